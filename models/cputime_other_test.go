//go:build !unix

package models_test

import "time"

func processCPU() time.Duration { return 0 }
