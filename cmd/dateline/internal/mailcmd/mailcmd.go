// Package mailcmd is `dateline mail` (test: send one message through an
// SMTP server; outbox: list what waits or failed) and the email flags of
// `dateline serve` (--smtp-url and the outbox's rate and keep).
package mailcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"dateline"
	"dateline/alerts"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/mail"
)

// Usage is the command's help.
const Usage = `Usage:
  dateline mail test --smtp-url URL --to ADDRESS [--subject TEXT]
  dateline mail outbox [--status pending|failed|all] [--limit N] [--data DIR] [--db DSN]

"test" sends one message (plain text and HTML) through the SMTP server
and prints what the server answered, or why it refused. The URL is the
same as "serve --smtp-url":

  smtp://USER:PASSWORD@HOST:587?from=ADDRESS   STARTTLS when the server offers it
  smtps://USER:PASSWORD@HOST:465?from=ADDRESS  TLS from the first byte
  smtp+insecure://127.0.0.1:1025?from=ADDRESS  no TLS, loopback test servers only

The password may come from DATELINE_SMTP_PASSWORD instead of the URL (it
then stays out of the process list), and the URL from DATELINE_SMTP_URL.

"outbox" lists the messages waiting to be sent (pending: with their
attempts and next try) and those that failed for good (with the server's
last answer), oldest first.
`

// Run runs `dateline mail ARGS`.
func Run(ctx context.Context, args []string, opener clientcmd.Opener, stdout, stderr io.Writer, now func() time.Time) error {
	sub, rest, fs, done, err := clientcmd.Subcommand("mail", Usage, args, stdout, stderr)
	if done || err != nil {
		return err
	}
	var rawURL, to, subject, status string
	var limit int
	var open func(context.Context) (dateline.Store, error)
	switch sub {
	case "test":
		fs.StringVar(&rawURL, "smtp-url", os.Getenv("DATELINE_SMTP_URL"), "the SMTP server, as serve --smtp-url (env DATELINE_SMTP_URL)")
		fs.StringVar(&to, "to", "", "the address to send the test message to")
		fs.StringVar(&subject, "subject", "dateline: test message — тестовое письмо", "the message's subject")
	case "outbox":
		open = opener(fs)
		fs.StringVar(&status, "status", "all", "which messages: pending, failed or all (both)")
		fs.IntVar(&limit, "limit", 100, "how many of each status to list, 1 to 10000")
	default:
		fmt.Fprint(stderr, Usage)
		return clientcmd.UsageError{Msg: fmt.Sprintf("unknown mail command %q; see \"dateline mail --help\"", sub)}
	}
	if err := clientcmd.ParseFlags(fs, rest, stdout, stderr, false); err != nil {
		return err
	}
	if sub == "test" {
		return runTest(ctx, rawURL, to, subject, stdout, now)
	}
	var statuses []string
	switch status {
	case "pending", "failed":
		statuses = []string{status}
	case "all":
		statuses = []string{dateline.MailPending, dateline.MailFailed}
	default:
		return clientcmd.UsageError{Msg: fmt.Sprintf("--status is pending, failed or all, not %q", status)}
	}
	if limit < 1 || limit > 10000 {
		return clientcmd.UsageError{Msg: "--limit is a number from 1 to 10000"}
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tSTATUS\tATTEMPTS\tLIST\tTO\tSUBJECT\tCREATED\tNEXT TRY\tLAST ERROR")
	for _, st := range statuses {
		ms, err := store.MailOutbox(ctx, st, limit)
		if err != nil {
			return err
		}
		for _, m := range ms {
			next := "-"
			if m.Status == dateline.MailPending {
				next = m.NextAt.Format(time.RFC3339)
			}
			fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.Status, m.Attempts, or(m.ListID, "-"), m.To, clip(m.Subject, 40),
				m.CreatedAt.Format(time.RFC3339), next, or(m.LastError, "-"))
		}
	}
	return w.Flush()
}

func runTest(ctx context.Context, rawURL, to, subject string, stdout io.Writer, now func() time.Time) error {
	if rawURL == "" {
		return clientcmd.UsageError{Msg: "--smtp-url URL is required (or DATELINE_SMTP_URL); see \"dateline mail --help\""}
	}
	if strings.TrimSpace(to) == "" {
		return clientcmd.UsageError{Msg: "--to ADDRESS is required"}
	}
	cfg, err := mail.ParseURL(rawURL, os.Getenv("DATELINE_SMTP_PASSWORD"))
	if err != nil {
		return clientcmd.UsageError{Msg: "--smtp-url: " + err.Error()}
	}
	at := now()
	m := &mail.Message{To: strings.TrimSpace(to), Subject: subject, Date: at,
		Text: "This is a test message from dateline, sent " + at.UTC().Format(time.RFC1123Z) + ".\n\nЭто тестовое письмо.\n",
		HTML: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>dateline</title></head><body><p>This is a <strong>test message</strong> from dateline, sent ` +
			at.UTC().Format(time.RFC1123Z) + `.</p><p lang="ru">Это тестовое письмо.</p></body></html>`}
	tctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	ans, err := mail.Send(tctx, cfg, m)
	if err != nil {
		if e, ok := err.(*mail.Error); ok && !e.Temporary {
			return fmt.Errorf("%s refused the message for good: %v", cfg, err)
		}
		return fmt.Errorf("%s did not take the message (a temporary failure: the outbox would try again): %v", cfg, err)
	}
	fmt.Fprintf(stdout, "sent to %s through %s; the server answered: %s\n", m.To, cfg, or(ans, "OK"))
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// ServeFlags are serve's email flags.
type ServeFlags struct {
	URL  string
	Rate float64
	Keep time.Duration
	// Timeout bounds connecting and each SMTP command.
	Timeout time.Duration
	// AlertWindow is the least time between two alert emails to one
	// client user.
	AlertWindow time.Duration
	cfg         mail.Config
}

// Register adds the flags to fs.
func (f *ServeFlags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.URL, "smtp-url", os.Getenv("DATELINE_SMTP_URL"), "the SMTP server that sends the outbox's email: smtp://USER:PASSWORD@HOST:587?from=ADDRESS (STARTTLS when offered), smtps://...:465 (implicit TLS) or smtp+insecure://127.0.0.1:PORT (loopback test servers); the password may come from DATELINE_SMTP_PASSWORD instead; empty sends no email from this node (env DATELINE_SMTP_URL)")
	fs.Float64Var(&f.Rate, "mail-rate", 10, "how many email messages a second this node sends at most")
	fs.DurationVar(&f.Timeout, "mail-timeout", 30*time.Second, "how long the SMTP server has to answer each command; a node that dies mid-send frees its claimed messages after about twice this")
	fs.DurationVar(&f.AlertWindow, "alert-window", 15*time.Minute, "the least time between two follow-alert emails to one client user of the portal: the first goes at once, what matches later waits and goes together")
	fs.DurationVar(&f.Keep, "mail-keep", 30*24*time.Hour, "how long sent messages stay in the outbox (with their dedupe keys: the same key is not sent twice within it)")
}

// Check reads the flags, after parsing: one line for a person when one is
// wrong.
func (f *ServeFlags) Check() error {
	if f.Rate <= 0 || f.Rate > 10000 {
		return fmt.Errorf("--mail-rate is a number of messages a second, above 0 and at most 10000")
	}
	if f.Timeout < 100*time.Millisecond || f.Timeout > 10*time.Minute {
		return fmt.Errorf("--mail-timeout is from 100ms to 10m")
	}
	if f.AlertWindow < time.Minute || f.AlertWindow > 24*time.Hour {
		return fmt.Errorf("--alert-window is from 1m to 24h")
	}
	if f.Keep < time.Hour {
		return fmt.Errorf("--mail-keep is at least 1h")
	}
	if f.URL == "" {
		return nil
	}
	cfg, err := mail.ParseURL(f.URL, os.Getenv("DATELINE_SMTP_PASSWORD"))
	if err != nil {
		return fmt.Errorf("--smtp-url: %v", err)
	}
	cfg.Timeout = f.Timeout
	f.cfg = cfg
	return nil
}

// Outbox is the node's email sender, or nil when --smtp-url is not set.
func (f *ServeFlags) Outbox(store mail.Store, baseURL string, log *slog.Logger, count mail.Counter) *mail.Outbox {
	if f.URL == "" {
		return nil
	}
	log.Info("sending email", "smtp", f.cfg.String(), "rate", f.Rate)
	return mail.NewOutbox(store, mail.OutboxConfig{SMTP: f.cfg, BaseURL: baseURL, Rate: f.Rate, Keep: f.Keep}, log, time.Now, count)
}

// Alerts is the node's follow-alerts worker: every node runs one (one at
// a time does the work, the alerts' cursor locked); what it queues is
// sent by the nodes with --smtp-url.
func (f *ServeFlags) Alerts(store alerts.Store, baseURL, siteName string, log *slog.Logger) *alerts.Worker {
	return alerts.New(store, alerts.Config{BaseURL: baseURL, SiteName: siteName, Window: f.AlertWindow}, log, time.Now)
}
