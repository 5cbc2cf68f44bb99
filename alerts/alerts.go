// Package alerts emails client users what they follow in the portal:
// every node runs a Worker that reads the store's event log after the
// alerts' cursor (one node at a time, the row locked FOR UPDATE SKIP
// LOCKED, as package push's fan-out), records for each story published,
// released or corrected the users portal.Alerts names, and flushes each
// user's waiting stories as one email in the outbox (package mail sends
// it): the first at once, then at most one per user per window, so a
// topic that fires often makes one email listing its stories.
package alerts

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/http/portal"
	"dateline/i18n"
	"dateline/mail"
)

// Store is what the worker needs of the store.
type Store interface {
	portal.AlertStore
	FanOutAlerts(ctx context.Context, limit int, now time.Time, plan dateline.AlertPlan) (int, error)
	FlushAlerts(ctx context.Context, now time.Time, window time.Duration, limit int, compose dateline.AlertCompose) (int, error)
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
	Suppressed(ctx context.Context, address, listID string) (bool, error)
	MailKey(ctx context.Context) ([]byte, error)
	AlertLang(ctx context.Context, userID int64) (string, error)
}

// Config configures a worker.
type Config struct {
	BaseURL  string // the site's address, for the links
	SiteName string
	// Window is the least time between two alert emails to one user
	// (15 minutes when zero).
	Window time.Duration
	// Every is how often the worker looks when not woken (30 s when
	// zero); a due batch waits at most this long after its window.
	Every time.Duration
}

// Worker records and flushes alerts.
type Worker struct {
	store Store
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	wake  chan struct{}
	key   []byte // signs unsubscribe links; read before a flush's transaction
}

// New makes a worker.
func New(store Store, cfg Config, log *slog.Logger, now func() time.Time) *Worker {
	if cfg.Window <= 0 {
		cfg.Window = 15 * time.Minute
	}
	if cfg.Every <= 0 {
		cfg.Every = 30 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Worker{store: store, cfg: cfg, log: log, now: now, wake: make(chan struct{}, 1)}
}

// Wake makes the worker look now (stories changed).
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run records and flushes until ctx ends.
func (w *Worker) Run(ctx context.Context) {
	t := time.NewTicker(w.cfg.Every)
	defer t.Stop()
	for {
		if _, err := w.Step(ctx); err != nil && ctx.Err() == nil {
			w.log.Error("alerts", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// Step records the alerts of the events not yet read and queues the
// emails that are due; it returns how many emails it queued.
func (w *Worker) Step(ctx context.Context) (int, error) {
	for {
		n, err := w.store.FanOutAlerts(ctx, 500, w.now(), w.plan)
		if err != nil {
			return 0, err
		}
		if n == 0 {
			break
		}
	}
	if w.key == nil {
		key, err := w.store.MailKey(ctx)
		if err != nil {
			return 0, err
		}
		w.key = key
	}
	total := 0
	for {
		n, err := w.store.FlushAlerts(ctx, w.now(), w.cfg.Window, 100, w.compose)
		total += n
		if err != nil || n < 100 {
			return total, err
		}
	}
}

// articles reads the stories with the ids, by id.
func (w *Worker) articles(ctx context.Context, ids []int64) (map[int64]*dateline.Article, error) {
	out := map[int64]*dateline.Article{}
	for len(ids) > 0 {
		k := min(len(ids), 500)
		as, err := w.store.ArticlesByID(ctx, ids[:k])
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out[a.ID] = a
		}
		ids = ids[k:]
	}
	return out, nil
}

// plan names, for each story published, released or corrected (and
// public now), the users to alert and what they follow that it matched.
func (w *Worker) plan(ctx context.Context, events []dateline.Event) ([]dateline.AlertItem, error) {
	var ids []int64
	for _, ev := range events {
		if ev.IsStory() {
			ids = append(ids, ev.ArticleID)
		}
	}
	articles, err := w.articles(ctx, ids)
	if err != nil {
		return nil, err
	}
	now := w.now()
	done := map[int64]bool{}
	var items []dateline.AlertItem
	for _, ev := range events {
		if !ev.IsStory() {
			continue // a collection's id is no story's
		}
		a := articles[ev.ArticleID]
		if a == nil || done[a.ID] || a.Status != dateline.StatusPublished {
			continue
		}
		switch dateline.PushEvent(&ev, a) {
		case dateline.PushPublish, dateline.PushRelease, dateline.PushCorrect:
		default:
			continue
		}
		done[a.ID] = true
		als, err := portal.Alerts(ctx, w.store, a, now)
		if err != nil {
			return nil, err
		}
		for _, al := range als {
			it := dateline.AlertItem{UserID: al.User.ID, ArticleID: a.ID}
			for _, f := range al.Follows {
				it.Follows = append(it.Follows, f.Kind+":"+f.Value)
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// compose makes a user's email of the waiting stories still theirs to
// see: public (a story killed since is left out) and in their company's
// products now. A disabled user, or one who unsubscribed, gets none.
func (w *Worker) compose(ctx context.Context, userID int64, items []dateline.AlertItem) (*dateline.OutMail, []int64, error) {
	u, err := w.store.ClientUser(ctx, userID)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	if u.Disabled {
		return nil, nil, nil
	}
	if off, err := w.store.Suppressed(ctx, u.Email, dateline.AlertList); err != nil || off {
		return nil, nil, err
	}
	e, err := w.store.Entitlement(ctx, u.ClientID, w.now())
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	l := i18n.EN
	if kept, err := w.store.AlertLang(ctx, u.ID); err != nil {
		return nil, nil, err
	} else if kept == string(i18n.RU) {
		l = i18n.RU // the portal's language when they last followed something
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ArticleID
	}
	articles, err := w.articles(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	var carried []int64
	var lines []line
	for _, it := range items {
		a := articles[it.ArticleID]
		if a == nil || a.Status != dateline.StatusPublished || !e.Shows(a) {
			continue
		}
		carried = append(carried, it.ID)
		lines = append(lines, line{Headline: a.Headline, Link: w.cfg.BaseURL + "/wire/items/" + strconv.FormatInt(a.ID, 10), Follows: follows(l, it.Follows)})
	}
	if len(lines) == 0 {
		return nil, nil, nil
	}
	letter := Letter{Lang: l, SiteName: w.cfg.SiteName, Name: u.Name, Items: lines,
		Manage:      w.cfg.BaseURL + "/wire/follows",
		Unsubscribe: mail.UnsubscribeURL(w.cfg.BaseURL, w.key, mail.Unsubscription{Address: u.Email, List: dateline.AlertList, Lang: string(l)})}
	m := &dateline.OutMail{DedupeKey: fmt.Sprintf("alerts:%d:%d", u.ID, items[0].ID), ListID: dateline.AlertList, Lang: string(l), To: u.Email,
		Subject: letter.Subject(), Text: letter.Text()}
	if m.HTML, err = letter.HTML(); err != nil {
		return nil, nil, err
	}
	return m, carried, nil
}

// follows says what a story matched: "topic economy, search “oil price”".
func follows(l i18n.Lang, fs []string) string {
	var out []string
	for _, f := range fs {
		kind, value, _ := strings.Cut(f, ":")
		if kind == dateline.FollowSearch {
			value = "“" + value + "”"
		}
		out = append(out, i18n.T(l, kind)+" "+value)
	}
	return strings.Join(out, ", ")
}

type line struct{ Headline, Link, Follows string }

// Letter is an alert email's words.
type Letter struct {
	Lang                i18n.Lang
	SiteName, Name      string
	Items               []line
	Manage, Unsubscribe string
}

// Subject names the one story, or counts them.
func (l *Letter) Subject() string {
	if len(l.Items) == 1 {
		return i18n.T(l.Lang, "Alert: %s", l.Items[0].Headline)
	}
	return i18n.T(l.Lang, "%d new stories you follow on the %s wire", len(l.Items), l.SiteName)
}

// Text is the plain-text part.
func (l *Letter) Text() string {
	var b strings.Builder
	b.WriteString(i18n.T(l.Lang, "Hello %s,\n\nNew on the %s wire, matching what you follow:\n\n", l.Name, l.SiteName))
	for _, it := range l.Items {
		fmt.Fprintf(&b, "- %s\n  %s\n  (%s)\n\n", it.Headline, it.Link, i18n.T(l.Lang, "you follow %s", it.Follows))
	}
	b.WriteString(i18n.T(l.Lang, "What you follow: %s\nNo more alert emails: %s\n", l.Manage, l.Unsubscribe))
	return b.String()
}

var page = template.Must(template.New("alert").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; max-width: 40em">
<p>{{.Hello}}</p>
<ul>{{range .Items}}
<li style="margin-bottom: 1em"><a href="{{.Link}}">{{.Headline}}</a><br><small>{{.Follows}}</small></li>{{end}}
</ul>
<p><a href="{{.Manage}}">{{.ManageText}}</a> · <a href="{{.Unsubscribe}}">{{.UnsubscribeText}}</a></p>
</body></html>
`))

// HTML is the HTML part.
func (l *Letter) HTML() (string, error) {
	items := make([]line, len(l.Items))
	for i, it := range l.Items {
		items[i] = line{Headline: it.Headline, Link: it.Link, Follows: i18n.T(l.Lang, "you follow %s", it.Follows)}
	}
	var b strings.Builder
	err := page.Execute(&b, map[string]any{"Lang": string(l.Lang), "Subject": l.Subject(), "Items": items,
		"Hello":  i18n.T(l.Lang, "Hello %s, new on the %s wire, matching what you follow:", l.Name, l.SiteName),
		"Manage": l.Manage, "ManageText": i18n.T(l.Lang, "What you follow"),
		"Unsubscribe": l.Unsubscribe, "UnsubscribeText": i18n.T(l.Lang, "No more alert emails")})
	return b.String(), err
}
