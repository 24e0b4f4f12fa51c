package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// The webhook benchmarks post from a second process, so that the load
// generator does not share the served process's scheduler: the benchmark
// runs its own test binary again (Spawn) with the generator's settings in
// the environment; that binary's TestMain sees them and runs the generator
// (Main) instead of the tests; the generator prints a Report as JSON.

// Report is what a load generator process prints on stdout.
type Report struct {
	Posted, Failed int
	Seconds        float64
}

// TestMain runs the package's tests, or, when the environment variable
// urlVar is set (by Spawn), the load generator gen on its URL; it exits
// with their status.
func TestMain(m *testing.M, urlVar string, gen func(url string) int) {
	if url := os.Getenv(urlVar); url != "" {
		os.Exit(gen(url))
	}
	os.Exit(m.Run())
}

// Main runs opt from a load generator process: it prints the Report on
// stdout and any error on stderr, and returns the exit status.
func Main(opt Options) int {
	res, err := Run(context.Background(), opt)
	_ = json.NewEncoder(os.Stdout).Encode(Report{Posted: res.Posted, Failed: res.Failed, Seconds: res.Duration.Seconds()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// Spawn runs this test binary as a load generator with env added to the
// environment (urlVar of TestMain among them) and returns its Report and
// what it printed.
func Spawn(env ...string) (Report, []byte, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		return Report{}, out, fmt.Errorf("loadgen: %w: %s", err, out)
	}
	var rep Report
	if err := json.Unmarshal(out, &rep); err != nil {
		return Report{}, out, fmt.Errorf("loadgen: report %q: %w", out, err)
	}
	return rep, out, nil
}
