// Package sourcecmd is `dateline source`: the editorial systems that push
// stories in with a shared secret (a Superdesk newsroom's HTTP push).
package sourcecmd

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"dateline"
	"dateline/cmd/dateline/internal/clientcmd"
)

// Usage is the command's help.
const Usage = `Usage:
  dateline source add superdesk NAME --secret-from-stdin [flags]
  dateline source list [flags]
  dateline source disable NAME [flags]
  dateline source enable NAME [flags]
  dateline source remove NAME [flags]

A source is an editorial system that publishes into the site by pushing,
with a shared secret. The only kind is superdesk: a Superdesk newsroom's
HTTP push destination (format ninjs, delivery type HTTP Push) whose
resource URL is https://SITE/api/v2/content/push, whose assets URL is
https://SITE/api/v2/assets/push and whose secret token is the source's
secret. Every request it signs with the secret is accepted; the stories it
sends belong to the source NAME.

"add" reads the secret from the first line of standard input (at least 16
characters; make one with: openssl rand -hex 32), so it stays out of the
shell's history and the process list. "list" shows the sources without
their secrets. A disabled source's requests are refused (403) until it is
enabled. "remove" forgets the source; its stories stay.
`

// Run runs `dateline source ARGS`, reading the secret of "add" from stdin.
func Run(ctx context.Context, args []string, opener clientcmd.Opener, stdin io.Reader, stdout, stderr io.Writer, now func() time.Time) error {
	sub, rest, fs, done, err := clientcmd.Subcommand("source", Usage, args, stdout, stderr)
	if done || err != nil {
		return err
	}
	open := opener(fs)
	var fromStdin bool
	want := 1 // NAME
	switch sub {
	case "add":
		fs.BoolVar(&fromStdin, "secret-from-stdin", false, "read the shared secret from the first line of standard input (required)")
		want = 2 // KIND NAME
	case "list":
		want = 0
	case "disable", "enable", "remove":
	default:
		fmt.Fprint(stderr, Usage)
		return clientcmd.UsageError{Msg: fmt.Sprintf("unknown source command %q", sub)}
	}
	if clientcmd.HelpAsked(fs, rest, stdout) {
		return flag.ErrHelp
	}
	// Flags may come before or after the words.
	var words []string
	for {
		if err := fs.Parse(rest); err != nil {
			return clientcmd.UsageError{Msg: err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		words, rest = append(words, fs.Arg(0)), fs.Args()[1:]
	}
	if len(words) != want {
		switch sub {
		case "add":
			return clientcmd.UsageError{Msg: "use: dateline source add superdesk NAME --secret-from-stdin"}
		case "list":
			return clientcmd.UsageError{Msg: fmt.Sprintf("unexpected argument %q", words[0])}
		}
		return clientcmd.UsageError{Msg: fmt.Sprintf("use: dateline source %s NAME", sub)}
	}
	src := &dateline.Source{}
	if sub == "add" {
		if words[0] != dateline.SourceSuperdesk {
			return clientcmd.UsageError{Msg: fmt.Sprintf("the kind of a source is superdesk, not %q", words[0])}
		}
		if !fromStdin {
			return clientcmd.UsageError{Msg: "--secret-from-stdin is required: the secret is read from standard input, never from the command line"}
		}
		line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("reading the secret: %w", err)
		}
		src.Kind, src.Name, src.Secret = words[0], words[1], strings.TrimRight(line, "\r\n")
		if err := dateline.ValidateSource(src); err != nil {
			return clientcmd.UsageError{Msg: dateline.ErrorMessage(err)}
		}
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "add":
		if err := store.CreateSource(ctx, src, now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "source %q (superdesk) added: point Superdesk's HTTP push at /api/v2/content/push and /api/v2/assets/push with this secret\n", src.Name)
	case "list":
		srcs, err := store.Sources(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, s := range srcs {
			rows = append(rows, []string{s.Name, s.Kind, clientcmd.State(s.Disabled, "enabled", "disabled"), s.CreatedAt.Format(time.RFC3339)})
		}
		return clientcmd.WriteTable(stdout, "NAME\tKIND\tSTATE\tCREATED", rows)
	case "disable", "enable":
		if err := store.SetSourceDisabled(ctx, words[0], sub == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "source %q %sd\n", words[0], sub)
	case "remove":
		if err := store.DeleteSource(ctx, words[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "source %q removed; its stories stay\n", words[0])
	}
	return nil
}
