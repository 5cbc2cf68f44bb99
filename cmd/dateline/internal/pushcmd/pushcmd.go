// Package pushcmd is `dateline push`: a client's push destinations, their
// delivery log, pause, resume and replay from the command line.
package pushcmd

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"dateline"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/internal/netguard"
	"dateline/push"
)

// Usage is the command's help.
const Usage = `Usage:
  dateline push add --client ID --url URL [flags]
  dateline push list --client ID [flags]
  dateline push pause --destination ID [flags]
  dateline push resume --destination ID [flags]
  dateline push delete --destination ID [flags]
  dateline push log --destination ID [--limit N] [flags]
  dateline push replay --destination ID --since TIME [flags]

A push destination is an https address of a client's, to which every
publish, update, correction, kill and embargo release in the client's
products is POSTed as a ninjs 2.2 item, signed with the destination's
secret (X-Dateline-Signature: sha256=HMAC-SHA256 of the body in hex).
"add" prints the secret alone on standard output; it cannot be shown
again. Addresses on loopback or private networks (and plain http there)
are refused unless DATELINE_PUSH_ALLOW_PRIVATE=1, as "serve
--push-allow-private". A paused destination keeps its deliveries until it
is resumed. "replay" sends again, in order, every delivery made since
TIME (YYYY-MM-DD or RFC 3339). "log" lists the newest deliveries first.
`

// Run runs `dateline push ARGS`.
func Run(ctx context.Context, args []string, opener clientcmd.Opener, stdout, stderr io.Writer, now func() time.Time) error {
	sub, rest, fs, done, err := clientcmd.Subcommand("push", Usage, args, stdout, stderr)
	if done || err != nil {
		return err
	}
	open := opener(fs)
	var client, dest int64
	var rawURL, since string
	var limit int
	switch sub {
	case "add", "list":
		fs.Int64Var(&client, "client", 0, "the client's id")
		if sub == "add" {
			fs.StringVar(&rawURL, "url", "", "the destination's https address")
		}
	case "pause", "resume", "delete", "log", "replay":
		fs.Int64Var(&dest, "destination", 0, "the destination's id")
		if sub == "log" {
			fs.IntVar(&limit, "limit", 50, "how many deliveries to list")
		}
		if sub == "replay" {
			fs.StringVar(&since, "since", "", "replay the deliveries made since this time (YYYY-MM-DD or RFC 3339)")
		}
	default:
		fmt.Fprint(stderr, Usage)
		return clientcmd.UsageError{Msg: fmt.Sprintf("unknown push command %q", sub)}
	}
	if err := clientcmd.ParseFlags(fs, rest, stdout, stderr, false); err != nil {
		return err
	}
	switch {
	case (sub == "add" || sub == "list") && client <= 0:
		return clientcmd.UsageError{Msg: "--client ID is required"}
	case sub != "add" && sub != "list" && dest <= 0:
		return clientcmd.UsageError{Msg: "--destination ID is required"}
	case sub == "log" && (limit < 1 || limit > 10000):
		return clientcmd.UsageError{Msg: "--limit is a number from 1 to 10000"}
	}
	guard := netguard.Policy{AllowPrivate: os.Getenv("DATELINE_PUSH_ALLOW_PRIVATE") == "1"}
	if sub == "add" {
		if err := push.CheckDestination(rawURL, guard); err != nil {
			return clientcmd.UsageError{Msg: "--url: " + dateline.ErrorMessage(err)}
		}
	}
	var sinceT time.Time
	if sub == "replay" {
		t, err := parseTime(since)
		if err != nil {
			return clientcmd.UsageError{Msg: "--since: " + err.Error()}
		}
		sinceT = t
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "add":
		d := &dateline.PushDestination{ClientID: client, URL: strings.TrimSpace(rawURL)}
		if err := store.CreatePushDestination(ctx, d, now()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "destination %d of client %d: %s; its secret, shown once:\n", d.ID, client, d.URL)
		fmt.Fprintln(stdout, d.Secret)
	case "list":
		if _, err := store.Client(ctx, client); err != nil {
			return err
		}
		ds, err := store.PushDestinations(ctx, client)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, d := range ds {
			rows = append(rows, []string{strconv.FormatInt(d.ID, 10), d.URL, clientcmd.State(d.Paused, "active", "paused"), d.CreatedAt.Format(time.RFC3339)})
		}
		return clientcmd.WriteTable(stdout, "ID\tURL\tSTATE\tCREATED", rows)
	case "pause", "resume":
		if err := store.SetPushPaused(ctx, dest, sub == "pause"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "destination %d %sd\n", dest, sub)
	case "delete":
		if err := store.DeletePushDestination(ctx, dest); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "destination %d deleted with its log\n", dest)
	case "log":
		if _, err := store.PushDestination(ctx, dest); err != nil {
			return err
		}
		log, err := store.PushDeliveries(ctx, dest, 0, limit)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tSTORY\tEVENT\tSTATUS\tATTEMPTS\tCREATED\tSENT\tLAST ERROR")
		for _, l := range log {
			sent := "-"
			if !l.SentAt.IsZero() {
				sent = l.SentAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%d\t%d\t%s\t%s\t%d\t%s\t%s\t%s\n", l.ID, l.ArticleID, l.Event, l.Status, l.Attempts,
				l.CreatedAt.Format(time.RFC3339), sent, l.LastError)
		}
		return w.Flush()
	case "replay":
		n, err := store.ReplayPush(ctx, dest, sinceT, now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%d deliveries to send again to destination %d\n", n, dest)
	}
	return nil
}

// parseTime reads YYYY-MM-DD (UTC midnight) or an RFC 3339 time.
func parseTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("a time is YYYY-MM-DD or RFC 3339 (2026-12-07T10:00:00Z), not %q", s)
}
