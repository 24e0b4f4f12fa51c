// Package app wires dondoc: from a config.Config it builds the store, the
// chat channels (Telegram, Zalo, console), the jobs, the scheduler with its
// leader election, and the HTTP server, and runs one subcommand. Run is
// dondoc's whole life: cmd/dondoc calls it, and so do the in-process
// end-to-end tests.
package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jonboulle/clockwork"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/dondoc/dondoc/config"
	"github.com/dondoc/dondoc/jobs"
	"github.com/dondoc/dondoc/models"
)

// Exit statuses (remind and broadcast add exitQueued, 4).
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// app is what every subcommand gets: configuration, logger, streams and
// the clocks.
type app struct {
	// command is the subcommand being run, as registered.
	command string
	cfg     config.Config
	log     *slog.Logger
	getenv  func(string) string
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer

	// clk is the one clock of rules, jobs, the store's records and the
	// scheduler: fake at DONDOC_NOW (cfg.Clock). Made once; see clock.
	clk clockwork.Clock
	// cal, set by serve, is the one live calendar every part of the
	// process shares (see watchCalendar); nil: each loads its own.
	cal *models.Calendar
	// wallClk measures elapsed time and paces sends: always real, so a
	// fixed DONDOC_NOW does not freeze timers. nil: the real clock.
	wallClk clockwork.Clock

	// risk is the early-warning cache shared by the jobs and the chat
	// commands of one process; see riskSource.
	riskMu sync.Mutex
	risk   *jobs.RiskCache

	// digest is the jobs' wiring once built (newJobDeps): the dispatcher
	// moves a failed digest to the next channel with it, /caidat reads
	// and changes the officer's channel through it.
	digest atomic.Pointer[jobs.Deps]

	// metrics is serve's /metrics registry, for the counters a channel
	// keeps itself (ZNS); nil in the one-shot commands.
	metrics prometheus.Registerer

	// ready are the checks /readyz runs besides the database's (a channel
	// whose token was refused); see addReady.
	readyMu sync.Mutex
	ready   []func() error
}

// addReady adds a readiness check (/readyz answers 503 while one fails).
func (a *app) addReady(f func() error) {
	a.readyMu.Lock()
	defer a.readyMu.Unlock()
	a.ready = append(a.ready, f)
}

// notReady returns the first failing readiness check, or nil.
func (a *app) notReady() error {
	a.readyMu.Lock()
	checks := append([]func() error(nil), a.ready...)
	a.readyMu.Unlock()
	for _, f := range checks {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}

// clock returns the one domain clock, made from the configuration on
// first use (tests may build an app literal without it).
func (a *app) clock() clockwork.Clock {
	if a.clk == nil {
		a.clk = a.cfg.Clock()
	}
	return a.clk
}

// wall returns the real clock used for durations and pacing.
func (a *app) wall() clockwork.Clock {
	if a.wallClk == nil {
		a.wallClk = clockwork.NewRealClock()
	}
	return a.wallClk
}

// flags returns an empty flag set for the subcommand being run, named as
// it was registered.
func (a *app) flags() *flag.FlagSet { return flag.NewFlagSet(a.command, flag.ContinueOnError) }

// usageError is a mistake in the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// parseFlags parses a subcommand's args with fs. -h prints the flags and
// reports done; a bad flag, or more than maxArgs positional arguments
// (maxArgs < 0: any number), is a usage error.
func parseFlags(a *app, fs *flag.FlagSet, args []string, maxArgs int) (done bool, err error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(a.stdout)
			fs.PrintDefaults()
			return true, nil
		}
		return false, usagef("%v", err)
	}
	if maxArgs >= 0 && fs.NArg() > maxArgs {
		return false, usagef("unexpected argument %q", fs.Arg(maxArgs))
	}
	return false, nil
}

// exitError carries a specific exit status with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return ""
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

type command struct {
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

// Run runs the subcommand args[0] with args[1:] and returns the exit
// status: 0 done, 1 failure, 2 usage or configuration error (or the
// subcommand's own status: 4 from remind and broadcast with messages still
// queued). getenv is the whole environment: main merges ./.env into it
// once before calling Run; nothing here reads .env again.
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	return run(ctx, args, getenv, stdin, stdout, stderr, clockwork.NewRealClock())
}

// run is Run with the wall clock given (tests drive a fake one).
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer, wall clockwork.Clock) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "dondoc: unknown command %q\n\n", args[0])
		printUsage(stderr)
		return exitUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "dondoc: invalid configuration:\n%v\n", err)
		return exitUsage
	}
	a := &app{command: args[0], cfg: cfg, log: newLogger(cfg, stderr), getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		clk: cfg.Clock(), wallClk: wall}
	if err := cmd.run(ctx, a, args[1:]); err != nil {
		var ue *usageError
		var ee *exitError
		switch {
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "dondoc %s: %v\n", args[0], err)
			return exitUsage
		case errors.As(err, &ee):
			if ee.err != nil {
				fmt.Fprintf(stderr, "dondoc %s: %v\n", args[0], ee.err)
			}
			return ee.code
		case errors.Is(err, context.Canceled):
			return exitOK
		}
		fmt.Fprintf(stderr, "dondoc %s: %v\n", args[0], err)
		return exitFailure
	}
	return exitOK
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

func printUsage(w io.Writer) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("dondoc — đôn đốc giải quyết hồ sơ thủ tục hành chính\n\nUsage: dondoc <command> [flags]\n\nCommands:\n")
	for _, n := range names {
		fmt.Fprintf(&b, "  %-10s %s\n", n, commands[n].summary)
	}
	b.WriteString("\nConfiguration comes from the environment and ./.env; see .env.example.\n")
	io.WriteString(w, b.String())
}
