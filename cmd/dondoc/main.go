// Command dondoc follows up administrative-procedure dossiers until they are
// settled: reminders, overdue lists, rankings and monthly reports for
// Vietnamese People's Committees. main reads the environment (with ./.env
// under it, once) and calls app.Run, which parses the subcommand's flags and
// wires everything from the configuration.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/joho/godotenv"

	"github.com/dondoc/dondoc/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := app.Run(ctx, os.Args[1:], withDotEnv(os.Getenv), os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// withDotEnv adds the keys of ./.env (DONDOC_ENV_FILE, when present) under
// the real environment: a variable set in the environment wins. The file is
// read once, here.
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
