package http_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/internal/htmlcheck"
	"dateline/internal/mailpittest"
	"dateline/mail"
)

// mailCount counts the outbox's outcomes.
type mailCount struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *mailCount) Mail(outcome string, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[outcome] += n
}

// runOutbox sends the env's outbox to Mailpit until the test ends.
func runOutbox(t *testing.T, e *env, mp *mailpittest.Server) {
	cfg, err := mail.ParseURL(mp.URL("news@example.org"), "")
	if err != nil {
		t.Fatal(err)
	}
	o := mail.NewOutbox(e.store, mail.OutboxConfig{SMTP: cfg, BaseURL: "https://news.example", Rate: 100, Every: 20 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)), e.clock.Now, &mailCount{})
	e.srv.Newsletter().Wake = o.Wake
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { o.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

// publish stores a published story of the section with the urgency.
func publish(t *testing.T, s dateline.Store, uri, section, headline string, urgency int) *dateline.Article {
	t.Helper()
	at := time.Now()
	a := &dateline.Article{URI: uri, Section: section, Lang: "en", Status: dateline.StatusPublished, PublishedAt: at, SourceVersion: at,
		Headline: headline, Lead: "The lead of " + headline + ".", Pages: []string{"<p>x</p>"}, Urgency: urgency, Source: "wire", WireVersion: "1"}
	if section == "mir" {
		a.Lang = "ru"
	}
	if _, err := s.UpsertArticles(context.Background(), []*dateline.Article{a}, at); err != nil {
		t.Fatal(err)
	}
	return a
}

var linkRE = regexp.MustCompile(`https://news\.example(/[^\s"<>]+)`)

// links returns the paths of the site's links in a text part.
func links(text string) []string {
	var out []string
	for _, m := range linkRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

func linkWith(t *testing.T, text, part string) string {
	t.Helper()
	for _, l := range links(text) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in:\n%s", part, text)
	return ""
}

// messagesTo returns Mailpit's messages to the address, oldest first.
func messagesTo(t *testing.T, mp *mailpittest.Server, address string) []mailpittest.Message {
	t.Helper()
	var out []mailpittest.Message
	ms := mp.Messages(t)
	for i := len(ms) - 1; i >= 0; i-- {
		if strings.EqualFold(ms[i].To[0].Address, address) {
			out = append(out, mp.Message(t, ms[i].ID))
		}
	}
	return out
}

// waitTo waits until the address has n messages.
func waitTo(t *testing.T, mp *mailpittest.Server, address string, n int) []mailpittest.Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ms := messagesTo(t, mp, address)
		if len(ms) >= n {
			return ms
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d messages, want %d", address, len(ms), n)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func form(v url.Values) (string, []string) {
	return v.Encode(), []string{"Content-Type", "application/x-www-form-urlencoded"}
}

// TestSubscribeFlow: the footer links the form; subscribing sends a
// confirmation (read back from Mailpit) and nothing else; confirmed, a
// breaking story arrives once with both parts, one-click unsubscribe and
// the manage link; an ordinary story does not; one-click unsubscribe
// stops that list only; the manage page stops a list, exports and
// deletes; every page passes the Nu checker.
func TestSubscribeFlow(t *testing.T) {
	mp := mailpittest.Start(t)
	e := newEnv(t, false)
	ctx := context.Background()
	if err := e.store.SaveSection(ctx, &dateline.Section{Slug: "mir", Name: "Мир", Position: 9, Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	runOutbox(t, e, mp)
	pages := map[string][]byte{}
	defer func() { htmlcheck.Nu(t, pages) }()
	const reader = "Reader@Example.org"

	if _, doc := e.page("/"); doc.First(`footer a[href="/subscribe"]`) == nil {
		t.Error("no link to /subscribe in the footer")
	}
	w, doc := e.page("/subscribe")
	if w.Code != 200 || doc.First(`form input[name="email"]`) == nil || doc.First(`input[name="list"][value="breaking:en"][checked]`) == nil ||
		doc.First(`input[name="list"][value="breaking:ru"]`) == nil {
		t.Fatalf("GET /subscribe: %d\n%s", w.Code, w.Body)
	}
	pages["form"] = w.Body.Bytes()
	if w, doc := e.page("/ru/subscribe"); w.Code != 200 || doc.First("html").Attr("lang") != "ru" || !strings.Contains(w.Body.String(), "Срочные новости (русская версия)") {
		t.Fatalf("GET /ru/subscribe: %d\n%s", w.Code, w.Body)
	} else {
		pages["form ru"] = w.Body.Bytes()
	}

	body, h := form(url.Values{"email": {reader}, "list": {"breaking:en", "breaking:ru"}})
	w = e.do(http.MethodPost, "/subscribe", body, h...)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "We sent a message to "+reader) {
		t.Fatalf("POST /subscribe: %d\n%s", w.Code, w.Body)
	}
	pages["sent"] = w.Body.Bytes()
	confirm := waitTo(t, mp, reader, 1)[0]
	if confirm.Subject != "Confirm your subscription" || !strings.Contains(confirm.Text, "Breaking news (English edition)") {
		t.Fatalf("the confirmation: %+v", confirm)
	}
	pages["confirmation message"] = []byte(confirm.HTML)

	// Not confirmed: a breaking story sends nothing.
	publish(t, e.store, "urn:t:1", "politics", "Before confirming", 1)
	if n, err := e.srv.Newsletter().Alert(ctx); err != nil || n == 0 {
		t.Fatalf("alert: %d %v", n, err)
	}
	if p, _ := e.store.MailOutbox(ctx, dateline.MailPending, 10); len(p) != 0 {
		t.Fatalf("queued before confirmation: %+v", p)
	}

	path := linkWith(t, confirm.Text, "/subscribe/confirm/")
	w, doc = e.page(path)
	if w.Code != 200 || doc.First(`form[method="post"]`) == nil || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Fatalf("GET confirm: %d\n%s", w.Code, w.Body)
	}
	pages["confirm"] = w.Body.Bytes()
	if sub, _ := e.store.NewsSubscriber(ctx, reader); sub == nil || !sub.Lists[0].Confirmed.IsZero() {
		t.Fatal("GET confirmed (a link scanner would confirm for everyone)")
	}
	w = e.do(http.MethodPost, path, "")
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/subscriptions/") {
		t.Fatalf("POST confirm: %d %v", w.Code, w.Header())
	}
	w = e.get(w.Header().Get("Location"))
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Confirmed") {
		t.Fatalf("after confirming: %d\n%s", w.Code, w.Body)
	}
	pages["confirmed"] = w.Body.Bytes()

	// Confirmed: a breaking story arrives once; an ordinary one not.
	publish(t, e.store, "urn:t:2", "politics", "Summit opens", 1)
	publish(t, e.store, "urn:t:3", "politics", "Weather is mild", 5)
	e.srv.Newsletter().Alert(ctx)
	e.srv.Newsletter().Alert(ctx)
	ms := waitTo(t, mp, reader, 2)
	alert := ms[1]
	if alert.Subject != "Breaking: Summit opens" || !strings.Contains(alert.Text, "The lead of Summit opens.") || !strings.Contains(alert.HTML, "Summit opens") {
		t.Fatalf("the alert: %+v", alert)
	}
	hs := mp.Headers(t, ms[1].ID)
	if hs["List-Unsubscribe-Post"][0] != "List-Unsubscribe=One-Click" || !strings.Contains(hs["List-Unsubscribe"][0], "/unsubscribe/") {
		t.Errorf("headers: %v", hs)
	}
	pages["alert message"] = []byte(alert.HTML)
	linkWith(t, alert.Text, "/politics/")
	manage := linkWith(t, alert.Text, "/subscriptions/")
	linkWith(t, alert.Text, "/unsubscribe/")

	// One-click unsubscribe stops the English list only.
	unsub := strings.Trim(strings.TrimPrefix(hs["List-Unsubscribe"][0], "<https://news.example"), "<>")
	if w := e.do(http.MethodPost, unsub, "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded"); w.Code != 200 {
		t.Fatalf("one-click: %d", w.Code)
	}
	publish(t, e.store, "urn:t:4", "politics", "After unsubscribing", 2)
	publish(t, e.store, "urn:t:5", "mir", "Срочная новость", 1)
	e.srv.Newsletter().Alert(ctx)
	ms = waitTo(t, mp, reader, 3)
	time.Sleep(300 * time.Millisecond) // the English one, were it sent
	ms = messagesTo(t, mp, reader)
	if len(ms) != 3 || ms[2].Subject != "Срочно: Срочная новость" || !strings.Contains(ms[2].Text, "Управлять подписками") && !strings.Contains(ms[2].Text, "Все ваши подписки") {
		for _, m := range ms {
			t.Logf("%s", m.Subject)
		}
		t.Fatalf("after unsubscribing from the English list: %d messages", len(ms))
	}
	pages["alert message ru"] = []byte(ms[2].HTML)
	if w := e.get(manage); !strings.Contains(w.Body.String(), "unsubscribed: subscribe again") {
		t.Errorf("the manage page does not show the one-click unsubscribe:\n%s", w.Body)
	}
	// Asked for again and confirmed: the list resumes. (One
	// confirmation a minute an address: the clock moves on.)
	e.clock.Add(time.Minute)
	body, h = form(url.Values{"email": {reader}, "list": {"breaking:en"}})
	if w := e.do(http.MethodPost, "/subscribe", body, h...); w.Code != 200 {
		t.Fatalf("subscribing again: %d", w.Code)
	}
	again := waitTo(t, mp, reader, 4)[3]
	if w := e.do(http.MethodPost, linkWith(t, again.Text, "/subscribe/confirm/"), ""); w.Code != 303 {
		t.Fatalf("confirming again: %d", w.Code)
	}
	publish(t, e.store, "urn:t:6", "politics", "Resumed", 1)
	e.srv.Newsletter().Alert(ctx)
	if ms := waitTo(t, mp, reader, 5); ms[4].Subject != "Breaking: Resumed" {
		t.Errorf("after subscribing again: %q", ms[4].Subject)
	}

	// The manage page: the lists, stop one, export, delete.
	w, doc = e.page(manage)
	if w.Code != 200 || len(doc.All(".subscription-list li")) != 2 || !strings.Contains(w.Body.String(), "Reader@Example.org") {
		t.Fatalf("manage: %d\n%s", w.Code, w.Body)
	}
	pages["manage"] = w.Body.Bytes()
	w = e.get(manage + "/export")
	var ex struct {
		Address string
		Lists   []struct{ List string }
	}
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") || json.Unmarshal(w.Body.Bytes(), &ex) != nil ||
		ex.Address != reader || len(ex.Lists) != 2 {
		t.Fatalf("export: %d %s", w.Code, w.Body)
	}
	body, h = form(url.Values{"list": {"breaking:ru"}})
	w = e.do(http.MethodPost, manage+"/remove", body, h...)
	if doc := htmlcheck.Parse(w.Body.Bytes()); w.Code != 200 || len(doc.All(".subscription-list li")) != 1 {
		t.Fatalf("remove: %d\n%s", w.Code, w.Body)
	}
	pages["removed"] = w.Body.Bytes()
	w = e.do(http.MethodPost, manage+"/delete", "")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "are deleted") {
		t.Fatalf("delete: %d\n%s", w.Code, w.Body)
	}
	pages["deleted"] = w.Body.Bytes()
	if _, err := e.store.NewsSubscriber(ctx, reader); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
	for _, st := range []string{dateline.MailPending, dateline.MailSent, dateline.MailSuppressed} {
		ms, _ := e.store.MailOutbox(ctx, st, 100)
		for _, m := range ms {
			if strings.EqualFold(m.To, reader) {
				t.Errorf("the outbox still has a %s message to the address: %s", st, m.Subject)
			}
		}
	}
	w = e.get(manage + "/export")
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"lists": []`) {
		t.Errorf("export after delete: %s", w.Body)
	}
}

// TestSubscribeBadInput: every form and link answers bad input with 400
// and words.
func TestSubscribeBadInput(t *testing.T) {
	e := newEnv(t, false)
	key, err := e.store.MailKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	unsub := mail.Token(key, mail.Unsubscription{Address: "a@example.org", List: "breaking:en"})
	h := []string{"Content-Type", "application/x-www-form-urlencoded"}
	for _, c := range []struct{ method, path, body, want string }{
		{"POST", "/subscribe", "email=&list=breaking:en", "Write your email address."},
		{"POST", "/subscribe", "email=not+an+address&list=breaking:en", "is not an email address"},
		{"POST", "/subscribe", "email=a%40localhost&list=breaking:en", "is not an email address"},
		{"POST", "/subscribe", "email=Name+%3Ca%40example.org%3E&list=breaking:en", "is not an email address"},
		{"POST", "/subscribe", "email=a%40example.org", "Choose at least one thing"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:xx", "is not something this site sends"},
		{"POST", "/subscribe", "email=a%40example.org&list=" + strings.Repeat("x", 9000), "could not be read"},
		{"POST", "/subscribe", "email=%zz", "could not be read"},
		{"POST", "/ru/subscribe", "email=", "Напишите адрес"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:en&hour=25", "whole hour from 0 to 23"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:en&hour=x", "whole hour from 0 to 23"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:en&city=atlantis", "Choose your city"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:en&section=nowhere", "is not a section of a digest you chose"},
		{"POST", "/subscribe", "email=a%40example.org&list=digest:en&section=mir", "is not a section of a digest you chose"},
		{"POST", "/subscribe", "email=a%40example.org&list=breaking:en&section=politics", "is not a section of a digest you chose"},
		{"POST", "/subscribe", "email=a%40example.org&list=topic:no-such-topic", "is not something this site sends"},
		{"POST", "/subscribe", "email=a%40example.org&list=person:", "is not something this site sends"},
		{"GET", "/subscribe/confirm/nonsense", "", "This link is not valid"},
		{"POST", "/subscribe/confirm/nonsense", "", "This link is not valid"},
		{"GET", "/subscribe/confirm/" + unsub, "", "This link is not valid"},
		{"GET", "/subscriptions/" + unsub, "", "This link is not valid"},
		{"GET", "/subscriptions/x.y/export", "", "This link is not valid"},
		{"POST", "/subscriptions/x.y/delete", "", "This link is not valid"},
		{"POST", "/subscriptions/" + strings.Repeat("a", 2000) + "/remove", "list=breaking:en", "This link is not valid"},
	} {
		w := e.do(c.method, c.path, c.body, h...)
		if w.Code != 400 || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s %s %.40q: %d, want 400 with %q\n%.300s", c.method, c.path, c.body, w.Code, c.want, w.Body)
		}
	}
	// A digest's hour, city and sections are kept as chosen.
	w := e.do("POST", "/subscribe", "email=d%40example.org&list=digest:en&hour=7&city=vladivostok&section=politics&section=world", h...)
	sub, err := e.store.NewsSubscriber(context.Background(), "d@example.org")
	if w.Code != 200 || err != nil || sub.Zone != "Asia/Vladivostok" || len(sub.Lists) != 1 || sub.Lists[0].Hour != 7 ||
		strings.Join(sub.Lists[0].Sections, " ") != "politics world" {
		t.Errorf("a digest: %d %+v %v\n%.300s", w.Code, sub, err, w.Body)
	}
	// A good manage token without a list to stop.
	manage := "/subscriptions/" + mail.Token(key, mail.Unsubscription{Address: "a@example.org", List: "manage"})
	if w := e.do("POST", manage+"/remove", "", h...); w.Code != 400 || !strings.Contains(w.Body.String(), "Say which subscription") {
		t.Errorf("remove without a list: %d", w.Code)
	}
}

// TestSubscribeRussian: the Russian form sends its confirmation in
// Russian, linking the Russian pages, and the page it opens is Russian.
func TestSubscribeRussian(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	if err := e.store.SaveSection(ctx, &dateline.Section{Slug: "mir", Name: "Мир", Position: 9, Lang: "ru"}); err != nil {
		t.Fatal(err)
	}
	e.srv.Changed()
	body, h := form(url.Values{"email": {"chitatel@example.org"}, "list": {"breaking:ru"}})
	if w := e.do(http.MethodPost, "/ru/subscribe", body, h...); w.Code != 200 || !strings.Contains(w.Body.String(), "Мы отправили письмо") {
		t.Fatalf("POST /ru/subscribe: %d\n%s", w.Code, w.Body)
	}
	ms, err := e.store.MailOutbox(ctx, dateline.MailPending, 10)
	if err != nil || len(ms) != 1 || ms[0].Subject != "Подтвердите подписку" || ms[0].Lang != "ru" || !strings.Contains(ms[0].Text, "Срочные новости (русская версия)") {
		t.Fatalf("the confirmation: %+v %v", ms, err)
	}
	link := linkWith(t, ms[0].Text, "/ru/subscribe/confirm/")
	w, doc := e.page(link)
	if w.Code != 200 || doc.First("html").Attr("lang") != "ru" || !strings.Contains(w.Body.String(), "Подтвердить подписки адреса chitatel@example.org?") {
		t.Fatalf("GET %s: %d\n%s", link, w.Code, w.Body)
	}
	w = e.do(http.MethodPost, link, "")
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/ru/subscriptions/") {
		t.Fatalf("POST confirm: %d %v", w.Code, w.Header())
	}
	if w, doc := e.page(w.Header().Get("Location")); w.Code != 200 || doc.First("html").Attr("lang") != "ru" || !strings.Contains(w.Body.String(), "Подписка подтверждена") {
		t.Fatalf("the subscriptions page: %d\n%s", w.Code, w.Body)
	}
}
