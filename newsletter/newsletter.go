// Package newsletter sends readers the news they subscribed to by email:
// breaking alerts of an edition (urgency 1-2 or marked breaking), read
// from the store's event log by one node at a time (Store.FanOutNews, the
// cursor shared in pattern with push's fan-out), and the confirmation
// that must be answered before anything else is sent (double opt-in).
// Messages go through the outbox (package mail): a dedupe key per reader
// and story, so a reader never gets a story twice, and a list per
// edition, so one-click unsubscribe stops that list only.
package newsletter

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/i18n"
	dlmail "dateline/mail"
)

// Store is what the newsletter uses of the store.
type Store interface {
	dateline.Newsletters
	EnqueueMail(ctx context.Context, m *dateline.OutMail, now time.Time) (bool, error)
	MailKey(ctx context.Context) ([]byte, error)
	ArticlesByID(ctx context.Context, ids []int64) ([]*dateline.Article, error)
	Articles(ctx context.Context, f dateline.ArticleFilter) ([]dateline.Article, error)
	Sections(ctx context.Context) ([]dateline.Section, error)
}

// Lists.
const (
	KindBreaking = "breaking"
	KindDigest   = "digest"
	KindTopic    = "topic"
	KindPerson   = "person"
)

// ListID is the list of a kind and its edition or slug: "breaking:en".
func ListID(kind, what string) string { return kind + ":" + what }

// ParseList splits a list into its kind and edition or slug.
func ParseList(list string) (kind, what string) {
	kind, what, _ = strings.Cut(list, ":")
	return kind, what
}

// Tokens of the links in messages are mail.Token's, signed with the same
// key, with a list of their own: they name an address and a language.
const (
	tokenManage  = "manage"
	tokenConfirm = "confirm"
)

// ManageToken signs the link to the page of all the address's lists.
func ManageToken(key []byte, address, lang string) string {
	return dlmail.Token(key, dlmail.Unsubscription{Address: address, List: tokenManage, Lang: lang})
}

// ConfirmToken signs the confirmation link.
func ConfirmToken(key []byte, address, lang string) string {
	return dlmail.Token(key, dlmail.Unsubscription{Address: address, List: tokenConfirm, Lang: lang})
}

// ParseManage and ParseConfirm read a token of their kind, or fail with
// words for the page.
func ParseManage(key []byte, token string) (address, lang string, err error) {
	return parse(key, token, tokenManage)
}

// ParseConfirm reads a confirmation token.
func ParseConfirm(key []byte, token string) (address, lang string, err error) {
	return parse(key, token, tokenConfirm)
}

// ErrBadLink is every token that cannot be read, is not signed with the
// key or is of another kind; its text is a key of the i18n catalogue.
var ErrBadLink = errors.New("This link is not valid: it may have been cut when it was copied. Use the link in the message itself.")

func parse(key []byte, token, list string) (string, string, error) {
	u, err := dlmail.ParseToken(key, token)
	if err != nil || u.List != list {
		return "", "", ErrBadLink
	}
	return u.Address, u.Lang, nil
}

// CheckAddress reads an email address a reader typed: one address, no
// name, at most 254 characters, a dot in its domain. Its error is in
// lang's words.
func CheckAddress(lang, s string) (string, error) {
	l := i18n.Lang(lang)
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New(i18n.T(l, "Write your email address."))
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return "", errors.New(i18n.T(l, "“%s” is not an email address: write it as name@example.org.", clip(s)))
	}
	return s, nil
}

func clip(s string) string {
	if r := []rune(s); len(r) > 60 {
		return string(r[:60]) + "…"
	}
	return s
}

// Config tunes a Sender; the zero value is production's but BaseURL.
type Config struct {
	BaseURL string        // the site's absolute address, for links
	Every   time.Duration // how often the alerter reads the event log (5 s)
}

// Sender queues confirmations and alerts.
type Sender struct {
	store Store
	cfg   Config
	log   *slog.Logger
	now   func() time.Time
	// done remembers the digests and batches this node queued, so a
	// minute's tick does not make them again (the dedupe key would
	// refuse them anyway).
	done map[string]bool
	// Wake, when set, is told that messages were queued (the outbox's).
	Wake func()
}

// New returns a Sender on store; now is the clock.
func New(store Store, cfg Config, log *slog.Logger, now func() time.Time) *Sender {
	if cfg.Every <= 0 {
		cfg.Every = 5 * time.Second
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Sender{store: store, cfg: cfg, log: log, now: now, done: map[string]bool{}}
}

// Run reads the event log into alerts until ctx ends, and once a minute
// queues the digests and follow batches that are due.
func (s *Sender) Run(ctx context.Context) {
	t := time.NewTicker(s.cfg.Every)
	defer t.Stop()
	var last time.Time
	for {
		if _, err := s.Alert(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("newsletter alerts", "err", err)
		}
		if m := s.now().Truncate(time.Minute); m.After(last) {
			last = m
			if _, err := s.Digest(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("newsletter digests", "err", err)
			}
			if _, err := s.Follows(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("newsletter follows", "err", err)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Alert turns the events not yet read into alerts and returns how many
// events it read.
func (s *Sender) Alert(ctx context.Context) (int, error) {
	// The key and the sections are read before the fan-out's
	// transaction: the key may be written on first use, and SQLite has
	// one writer.
	key, edition, err := s.keyAndEditions(ctx)
	if err != nil {
		return 0, err
	}
	plan := func(ctx context.Context, events []dateline.Event, recipients func(string) ([]dateline.NewsRecipient, error)) (dateline.NewsPlan, error) {
		return s.plan(ctx, key, edition, events, recipients)
	}
	total := 0
	for {
		n, err := s.store.FanOutNews(ctx, 500, s.now(), plan)
		total += n
		if err != nil || n == 0 {
			s.wake(total)
			return total, err
		}
	}
}

// alerting reports whether an event makes an alert: a story of urgency 1
// or 2, or marked breaking, became public (published, or its embargo
// ended).
func alerting(ev dateline.Event) bool {
	return ev.Kind == dateline.EventPublished && (ev.Breaking || ev.Urgency == 1 || ev.Urgency == 2)
}

// AlertKey is the dedupe key of a story's alert to an address: the same
// whatever list or node queues it.
func AlertKey(story int64, address string) string {
	return "alert:" + strconv.FormatInt(story, 10) + ":" + strings.ToLower(strings.TrimSpace(address))
}

func (s *Sender) plan(ctx context.Context, key []byte, edition map[string]string, events []dateline.Event, recipients func(string) ([]dateline.NewsRecipient, error)) (dateline.NewsPlan, error) {
	var p dateline.NewsPlan
	var ids []int64
	for _, ev := range events {
		switch {
		case !ev.IsStory():
			// A gallery or an infographic: breaking alerts are stories'.
		case alerting(ev):
			ids = append(ids, ev.ArticleID)
		case ev.Kind == dateline.EventWithdrawn || ev.Kind == dateline.EventEmbargoCanceled:
			p.Cancel = append(p.Cancel, "alert:"+strconv.FormatInt(ev.ArticleID, 10)+":")
		}
	}
	if len(ids) == 0 {
		return p, nil
	}
	stories, err := s.store.ArticlesByID(ctx, ids)
	if err != nil {
		return p, err
	}
	lists := map[string][]dateline.NewsRecipient{}
	for _, a := range stories {
		// A story killed, or put back under embargo, since the event is
		// not sent.
		if a == nil || !a.Public() {
			continue
		}
		ed := editionOf(edition, a)
		list := ListID(KindBreaking, ed)
		rs, ok := lists[list]
		if !ok {
			if rs, err = recipients(list); err != nil {
				return p, err
			}
			lists[list] = rs
		}
		for _, r := range rs {
			p.Mail = append(p.Mail, s.alertMail(key, a, ed, r))
		}
	}
	return p, nil
}

// StoryURL is a story's absolute address.
func (s *Sender) StoryURL(a *dateline.Article, edition string) string {
	return s.cfg.BaseURL + dateline.EditionPath(edition) + "/" + a.Section + "/" + strconv.FormatInt(a.ID, 10)
}

func (s *Sender) alertMail(key []byte, a *dateline.Article, edition string, r dateline.NewsRecipient) dateline.OutMail {
	l := i18n.Lang(edition)
	link := s.StoryURL(a, edition)
	var text strings.Builder
	fmt.Fprintf(&text, "%s\n\n%s\n\n%s\n%s\n", a.Headline, a.Lead, i18n.T(l, "Read the story:"), link)
	html := fmt.Sprintf(`<h1 style="font-size:1.3em">%s</h1><p>%s</p><p><a href="%s">%s</a></p>`,
		template.HTMLEscapeString(a.Headline), template.HTMLEscapeString(a.Lead), template.HTMLEscapeString(link), i18n.T(l, "Read the story"))
	return s.message(key, r.Address, edition, r.ListID, AlertKey(a.ID, r.Address), i18n.T(l, "Breaking: %s", a.Headline), text.String(), html)
}

// message wraps a body in the letter every message is: the list's
// unsubscribe link and the link to manage every list, in both parts.
func (s *Sender) message(key []byte, to, lang, list, dedupe, subject, text, body string) dateline.OutMail {
	l := i18n.Lang(lang)
	manage := s.cfg.BaseURL + dateline.EditionPath(lang) + "/subscriptions/" + ManageToken(key, to, lang)
	var t strings.Builder
	t.WriteString(text)
	t.WriteString("\n-- \n")
	var foot strings.Builder
	if list != "" {
		unsub := dlmail.UnsubscribeURL(s.cfg.BaseURL, key, dlmail.Unsubscription{Address: to, List: list, Lang: lang})
		fmt.Fprintf(&t, "%s\n%s\n", i18n.T(l, "You receive this because you subscribed to “%s”. Unsubscribe:", ListName(lang, list)), unsub)
		fmt.Fprintf(&foot, `<p>%s <a href="%s">%s</a></p>`, template.HTMLEscapeString(i18n.T(l, "You receive this because you subscribed to “%s”.", ListName(lang, list))),
			template.HTMLEscapeString(unsub), i18n.T(l, "Unsubscribe"))
	}
	fmt.Fprintf(&t, "%s\n%s\n", i18n.T(l, "All your subscriptions:"), manage)
	fmt.Fprintf(&foot, `<p><a href="%s">%s</a></p>`, template.HTMLEscapeString(manage), i18n.T(l, "Manage your subscriptions"))
	html := `<!DOCTYPE html><html lang="` + lang + `"><head><meta charset="utf-8"><title>` + template.HTMLEscapeString(subject) +
		`</title></head><body style="font-family:sans-serif;max-width:40em">` + body + `<hr>` + foot.String() + `</body></html>`
	return dateline.OutMail{DedupeKey: dedupe, ListID: list, Lang: lang, To: to, Subject: subject, Text: t.String(), HTML: html}
}

// ListName is a list's name for a reader.
func ListName(lang, list string) string {
	l := i18n.Lang(lang)
	kind, what := ParseList(list)
	switch kind {
	case KindBreaking:
		return i18n.T(l, "Breaking news (%s)", EditionName(lang, what))
	case KindDigest:
		return i18n.T(l, "Daily digest (%s)", EditionName(lang, what))
	case KindTopic:
		return i18n.T(l, "Topic: %s", what)
	case KindPerson:
		return i18n.T(l, "Person: %s", what)
	}
	return list
}

// EditionName names an edition in lang.
func EditionName(lang, edition string) string {
	if edition == "ru" {
		return i18n.T(i18n.Lang(lang), "Russian edition")
	}
	return i18n.T(i18n.Lang(lang), "English edition")
}

// Confirm queues the confirmation of the address's new lists: a link to
// a page that confirms them. At most one a minute an address.
func (s *Sender) Confirm(ctx context.Context, sub *dateline.NewsSubscriber) error {
	key, err := s.store.MailKey(ctx)
	if err != nil {
		return err
	}
	l := i18n.Lang(sub.Lang)
	link := s.cfg.BaseURL + dateline.EditionPath(sub.Lang) + "/subscribe/confirm/" + ConfirmToken(key, sub.Address, sub.Lang)
	var names []string
	for _, li := range sub.Lists {
		names = append(names, ListName(sub.Lang, li.ListID))
	}
	text := i18n.T(l, "Someone, we hope you, asked to send this address:") + "\n\n- " + strings.Join(names, "\n- ") + "\n\n" +
		i18n.T(l, "Confirm here:") + "\n" + link + "\n\n" + i18n.T(l, "If it was not you, do nothing: nothing will be sent.") + "\n"
	var items strings.Builder
	for _, n := range names {
		items.WriteString("<li>" + template.HTMLEscapeString(n) + "</li>")
	}
	html := `<p>` + i18n.T(l, "Someone, we hope you, asked to send this address:") + `</p><ul>` + items.String() + `</ul><p><a href="` +
		template.HTMLEscapeString(link) + `">` + i18n.T(l, "Confirm your subscription") + `</a></p><p>` +
		i18n.T(l, "If it was not you, do nothing: nothing will be sent.") + `</p>`
	now := s.now()
	m := s.message(key, sub.Address, sub.Lang, "", "confirm:"+strings.ToLower(sub.Address)+":"+strconv.FormatInt(now.Unix()/60, 10),
		i18n.T(l, "Confirm your subscription"), text, html)
	n := 0
	err = s.enqueue(ctx, &m, now, &n)
	s.wake(n)
	return err
}
