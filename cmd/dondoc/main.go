// Command dondoc follows up administrative-procedure dossiers until they are
// settled: reminders, overdue lists, rankings and monthly reports for
// Vietnamese People's Committees. main only parses and wires; see run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/joho/godotenv"

	"github.com/dondoc/dondoc/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// app is what every subcommand gets: configuration, logger and streams.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

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

// commands is the table of subcommands; each lives in its own file.
var commands = map[string]command{}

func register(name, summary string, run func(ctx context.Context, a *app, args []string) error) {
	commands[name] = command{summary: summary, run: run}
}

// run is dondoc's whole life, shared by main and the end-to-end tests.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
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
	getenv = withDotEnv(getenv)
	cfg, err := config.Load(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "dondoc: invalid configuration:\n%v\n", err)
		return exitUsage
	}
	a := &app{cfg: cfg, log: newLogger(cfg, stderr), getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
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

// withDotEnv adds the keys of ./.env (when present) under the real
// environment: a variable set in the environment wins.
func withDotEnv(getenv func(string) string) func(string) string {
	file := getenv("DONDOC_ENV_FILE")
	if file == "" {
		file = ".env"
	}
	vals, err := godotenv.Read(file)
	if err != nil {
		return getenv
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vals[k]
	}
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
