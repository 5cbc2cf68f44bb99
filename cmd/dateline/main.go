// Command dateline runs a news agency's website: the reader pages, the
// ingest API and the tools around them, in one binary.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"dateline"
	"dateline/cmd/dateline/internal/benchcmd"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/cmd/dateline/internal/mailcmd"
	"dateline/cmd/dateline/internal/pushcmd"
	"dateline/cmd/dateline/internal/sourcecmd"
)

const usage = `dateline runs a news agency's website from one binary.

Usage:
  dateline <command> [flags]

Commands:
  serve          serve the site and its API
  token create   make an API token and print it
  client         the agency's clients, their products, users, tokens and feeds
  push           clients' push destinations: add, list, pause, resume, log, replay
  mail           email: send a test message, list the outbox
  source         editorial systems that push in (Superdesk): add, list, remove
  user           add newsroom accounts, set passwords, list them
  import         import ninjs files or JSON-lines files of ninjs documents
  import --from  move a WordPress or Ghost site in: stories, pictures, old addresses
  gen            generate articles for load tests
  bench          measure the article page against a bare Go handler
  bench archive  measure every path of a site of any size from outside
  migrate-db     move a whole site between SQLite and PostgreSQL
  backup         write the database and media to one archive while serving
  restore        restore an archive into an empty folder or database
  bench-search   measure search latency on the database
  rates import   store official exchange rate files (Bank of Russia, ECB)

Run "dateline <command> --help" for the flags of each command. Flags may
also be set from the environment: DATELINE_ADDR, DATELINE_DATA, DATELINE_DB
and the others named in each command's help.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "dateline:", message(err))
		}
		os.Exit(exitCode(err))
	}
}

// message is the one line a person sees for an error.
func message(err error) string {
	if code := dateline.ErrorCode(err); code != dateline.EINTERNAL {
		return dateline.ErrorMessage(err)
	}
	return err.Error()
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var u usageError
	var cu clientcmd.UsageError
	if errors.As(err, &u) || errors.As(err, &cu) {
		return 2
	}
	return 1
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// storeOpener adds the database flags to fs, for the commands in their
// own packages.
func storeOpener(fs *flag.FlagSet) func(context.Context) (dateline.Store, error) {
	var sf storeFlags
	sf.register(fs)
	return sf.open
}

// run dispatches to a command. It is main without the process around it,
// so tests can call it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "token":
		if len(rest) == 0 || rest[0] != "create" {
			if len(rest) > 0 && (rest[0] == "-h" || rest[0] == "--help" || rest[0] == "help") {
				fmt.Fprint(stdout, "Usage: dateline token create --name NAME --scope read|write [--embargo] [--data DIR] [--db DSN]\n")
				return nil
			}
			return usagef(`unknown token command; use "dateline token create --name NAME --scope read|write"`)
		}
		return runTokenCreate(ctx, rest[1:], stdout, stderr)
	case "user":
		return runUser(ctx, rest, stdin, stdout, stderr)
	case "client":
		return clientcmd.Run(ctx, rest, storeOpener, stdout, stderr, time.Now)
	case "push":
		return pushcmd.Run(ctx, rest, storeOpener, stdout, stderr, time.Now)
	case "mail":
		return mailcmd.Run(ctx, rest, storeOpener, stdout, stderr, time.Now)
	case "source":
		return sourcecmd.Run(ctx, rest, storeOpener, stdin, stdout, stderr, time.Now)
	case "import":
		return runImport(ctx, rest, stdin, stdout, stderr)
	case "gen":
		return runGen(ctx, rest, stdout, stderr)
	case "bench":
		return runBench(ctx, rest, stdout, stderr)
	case "bench-search":
		return benchcmd.RunSearch(ctx, rest, storeOpener, stdout, stderr)
	case "migrate-db":
		return runMigrateDB(ctx, rest, stdout, stderr)
	case "backup":
		return runBackup(ctx, rest, stdout, stderr)
	case "restore":
		return runRestore(ctx, rest, stdout, stderr)
	case "rates":
		return runRates(ctx, rest, stdout, stderr)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return usagef("unknown command %q", cmd)
}
