package store_test

import (
	"os"
	"strings"
	"time"
)

var (
	getenv   = os.Getenv
	contains = strings.Contains
	ict      = time.FixedZone("ICT", 7*3600)
)
