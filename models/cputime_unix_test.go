//go:build unix

package models_test

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time the process used so far (user+system),
// so that benchmarks on a busy machine can report CPU beside wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
