package http_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/alerts"
	dhttp "dateline/http"
	"dateline/internal/mailpittest"
	"dateline/mail"
)

// TestPortalAlerts: a client user follows a topic in the portal; three
// matching stories published quickly make one email listing them (read
// back from a real Mailpit, with the portal links and the one-click
// unsubscribe), a later one a second email once the window passed; a
// story outside the client's products, one killed before its email, and a
// correction of a story sent already make none; after the one-click
// unsubscribe (through the router), no more alerts.
func TestPortalAlerts(t *testing.T) {
	mp := mailpittest.Start(t)
	e, u, _, _ := portalWorld(t)
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	w := alerts.New(e.store, alerts.Config{BaseURL: "https://news.example/", SiteName: "Dateline"}, quiet, e.clock.Now)
	smtp, err := mail.ParseURL(mp.URL("wire@news.example"), "")
	if err != nil {
		t.Fatal(err)
	}
	outbox := mail.NewOutbox(e.store, mail.OutboxConfig{SMTP: smtp, BaseURL: "https://news.example", Rate: 100}, quiet, e.clock.Now, nil)
	step := func(want int) {
		t.Helper()
		n, err := w.Step(ctx)
		if err != nil || n != want {
			t.Fatalf("step: %d emails, %v; want %d", n, err, want)
		}
		if _, err := outbox.Send(ctx); err != nil {
			t.Fatal(err)
		}
	}
	// The stories before the follow alert no one.
	step(0)
	if res := u.post("/wire/follows", url.Values{"kind": {"topic"}, "value": {"football"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("follow: %d", res.Code)
	}
	if l, err := e.store.AlertLang(ctx, u.userID(t)); l != "en" || err != nil {
		t.Errorf("the alerts' language after following in English: %q, %v", l, err)
	}
	var first []int64
	for i := range 3 {
		first = append(first, e.publishTopic(fmt.Sprintf("urn:alerts:%d", i), fmt.Sprintf("Cup semi-final %d", i), "sport", "Football"))
	}
	e.publishTopic("urn:alerts:politics", "Football stadium budget", "politics", "Football") // not in the products
	step(1)
	ms := mp.Wait(t, 1, 10*time.Second)
	m := mp.Message(t, ms[0].ID)
	if len(m.To) != 1 || m.To[0].Address != "desk@sport.example" || m.Subject != "3 new stories you follow on the Dateline wire" {
		t.Fatalf("the email: %+v", m)
	}
	for _, id := range first {
		link := fmt.Sprintf("https://news.example/wire/items/%d", id)
		if !strings.Contains(m.Text, link) || !strings.Contains(m.HTML, `href="`+link+`"`) {
			t.Errorf("the email has no link %s:\n%s", link, m.Text)
		}
	}
	for _, want := range []string{"Cup semi-final 0", "Cup semi-final 2", "you follow topic football", "https://news.example/wire/follows"} {
		if !strings.Contains(m.Text, want) || !strings.Contains(m.HTML, want) {
			t.Errorf("the email lacks %q:\n%s\n%s", want, m.Text, m.HTML)
		}
	}
	if strings.Contains(m.Text, "stadium budget") {
		t.Error("a story outside the products was in the email")
	}
	h := mp.Headers(t, ms[0].ID)
	if len(h["List-Unsubscribe-Post"]) != 1 || len(h["List-Unsubscribe"]) != 1 || !strings.Contains(h["List-Id"][0], "client-alerts.") {
		t.Fatalf("list headers: %v", h)
	}
	unsub := strings.Trim(h["List-Unsubscribe"][0], "<>")
	if !strings.Contains(m.Text, unsub) {
		t.Errorf("the text's unsubscribe link is not the header's %s", unsub)
	}

	// Within the window: waits; after it: the second email.
	e.clock.Add(time.Minute)
	fourth := e.publishTopic("urn:alerts:3", "Cup final", "sport", "Football")
	step(0)
	e.clock.Add(15 * time.Minute)
	step(1)
	ms = mp.Wait(t, 2, 10*time.Second)
	if m := mp.Message(t, ms[0].ID); m.Subject != "Alert: Cup final" || !strings.Contains(m.Text, fmt.Sprintf("/wire/items/%d", fourth)) || strings.Contains(m.Text, "semi-final") {
		t.Errorf("the second email: %+v", m)
	}

	// Killed before its email: left out; a correction of a story sent: not
	// sent again.
	e.clock.Add(time.Minute)
	killed := e.publishTopic("urn:alerts:killed", "Cup final postponed", "sport", "Football")
	step(0)
	k, _ := e.store.Article(ctx, killed)
	k.Status, k.WithdrawNote, k.WithdrawnAt = dateline.StatusWithdrawn, "Wrong.", e.clock.Now()
	if err := e.store.SaveArticle(ctx, k, k.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	c, _ := e.store.Article(ctx, first[0])
	c.Corrections, c.UpdatedAt = []dateline.Correction{{At: e.clock.Now(), Text: "The score was 2-1."}}, e.clock.Now()
	if err := e.store.SaveArticle(ctx, c, c.Version, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	e.clock.Add(16 * time.Minute)
	step(0)
	items, _ := e.store.AlertItems(ctx, u.userID(t))
	statuses := map[string]int{}
	for _, it := range items {
		statuses[it.Status]++
		if it.ArticleID == killed && it.Status != dateline.AlertDropped {
			t.Errorf("the killed story's alert is %s", it.Status)
		}
	}
	if statuses[dateline.AlertSent] != 4 || statuses[dateline.AlertDropped] != 1 || len(items) != 5 {
		t.Errorf("alert items: %+v", items)
	}

	// One click: no more alerts.
	res := e.do(http.MethodPost, strings.TrimPrefix(unsub, "https://news.example"), "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded")
	if res.Code != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d %s", res.Code, res.Body)
	}
	e.publishTopic("urn:alerts:after", "Cup replay", "sport", "Football")
	e.clock.Add(16 * time.Minute)
	step(0)
	time.Sleep(200 * time.Millisecond)
	if n := len(mp.Messages(t)); n != 2 {
		t.Errorf("Mailpit has %d messages, want 2", n)
	}
}

// TestPortalInvitationEmail: with email set up, a client admin's
// invitation (in Russian, the admin's portal language) is queued once in
// the outbox; Mailpit receives it with both parts, and its link sets the
// password. Without email set up, the page says so and nothing is queued.
func TestPortalInvitationEmail(t *testing.T) {
	mp := mailpittest.Start(t)
	ctx := context.Background()
	for _, on := range []bool{false, true} {
		e := newEnvConfig(t, false, "world", func(c *dhttp.Config) { c.Mail = on })
		c := &dateline.Client{Name: "Bank of Tests", SeatLimit: 3}
		if err := e.store.CreateClient(ctx, c, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
		clientUser(e, c.ID, "admin@bank.example", "a long test password", dateline.ClientAdmin)
		u := mustSignin(e, "admin@bank.example", "a long test password")
		u.get("/wire/lang/ru?next=/wire/people") // the admin reads the portal in Russian
		res := u.post("/wire/people", url.Values{"email": {fmt.Sprintf("new-%v@bank.example", on)}, "name": {"Новый Сотрудник"}})
		shown := regexp.MustCompile(`value="(https://news\.example/wire/invitation/[^"]+)"`).FindStringSubmatch(res.Body.String())
		if res.Code != http.StatusCreated || shown == nil {
			t.Fatalf("invite: %d %s", res.Code, res.Body)
		}
		queued, _ := e.store.MailOutbox(ctx, dateline.MailPending, 10)
		if !on {
			if !strings.Contains(res.Body.String(), "Почта на сайте не настроена") || len(queued) != 0 {
				t.Errorf("without email: %d queued, the page says %s", len(queued), res.Body)
			}
			continue
		}
		if !strings.Contains(res.Body.String(), "Мы отправили эту ссылку на new-true@bank.example") || len(queued) != 1 {
			t.Fatalf("with email: %d queued, the page says %s", len(queued), res.Body)
		}
		smtp, _ := mail.ParseURL(mp.URL("wire@news.example"), "")
		outbox := mail.NewOutbox(e.store, mail.OutboxConfig{SMTP: smtp, BaseURL: "https://news.example", Rate: 100}, slog.New(slog.DiscardHandler), e.clock.Now, nil)
		if n, err := outbox.Send(ctx); n != 1 || err != nil {
			t.Fatalf("sent %d, %v", n, err)
		}
		m := mp.Message(t, mp.Wait(t, 1, 10*time.Second)[0].ID)
		if !strings.Contains(m.Subject, "Dateline") || !strings.ContainsAny(m.Subject, "абвгдеёжзийклмнопрстуфхцчшщыэюя") || m.To[0].Address != "new-true@bank.example" {
			t.Errorf("the email: %+v", m)
		}
		if !strings.Contains(m.Text, shown[1]) || !strings.Contains(m.HTML, `href="`+shown[1]+`"`) || !strings.Contains(m.Text, "Здравствуйте") {
			t.Fatalf("the email lacks the link %s:\n%s\n%s", shown[1], m.Text, m.HTML)
		}
		// The emailed link works: it sets the password, once.
		link := strings.TrimPrefix(shown[1], "https://news.example")
		guest := &wireUser{e: e, cookies: map[string]string{}}
		tok := csrfInput.FindStringSubmatch(guest.get(link).Body.String())
		if tok == nil {
			t.Fatal("the emailed link shows no form")
		}
		if res := guest.request(http.MethodPost, link, url.Values{"csrf": {tok[1]}, "password": {"a new long password"}, "repeat": {"a new long password"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("accepting the emailed invitation: %d", res.Code)
		}
		mustSignin(e, "new-true@bank.example", "a new long password")
	}
}
