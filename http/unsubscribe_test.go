package http_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/internal/htmlcheck"
	"dateline/mail"
)

// TestUnsubscribe: a message's link shows a page in the token's language
// with a button; the RFC 8058 one-click POST (no cookie, no CSRF token)
// suppresses the address from that list only, and the outbox then skips
// its messages of the list; bad tokens and bodies are 400 with a message.
func TestUnsubscribe(t *testing.T) {
	e := newEnv(t, false)
	ctx := context.Background()
	key, err := e.store.MailKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u := mail.Unsubscription{Address: "Reader@example.org", List: "breaking", Lang: "ru"}
	link := mail.UnsubscribeURL("https://news.example", key, u)
	path := strings.TrimPrefix(link, "https://news.example")

	w, doc := e.page(path)
	if w.Code != 200 || doc.First("html").Attr("lang") != "ru" || !strings.Contains(w.Body.String(), "Больше не присылать письма рассылки «breaking» на адрес Reader@example.org?") {
		t.Fatalf("GET: %d\n%s", w.Code, w.Body)
	}
	form := doc.First(".unsubscribe-page form")
	if form == nil || form.Attr("method") != "post" || form.Attr("action") != path || doc.First(`input[name="List-Unsubscribe"]`).Attr("value") != "One-Click" {
		t.Fatalf("the page's form: %v", form)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" || w.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers: %v", w.Header())
	}
	if yes, _ := e.store.Suppressed(ctx, u.Address, u.List); yes {
		t.Fatal("GET unsubscribed (a link checker would unsubscribe everyone)")
	}

	pages := map[string][]byte{"GET (Russian)": w.Body.Bytes()}
	defer func() { htmlcheck.Nu(t, pages) }()

	// A mail client's one-click POST: no cookie, no token, only the body.
	w = e.do(http.MethodPost, path, "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded")
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Вы отписались") {
		t.Fatalf("POST: %d\n%s", w.Code, w.Body)
	}
	pages["POST"] = w.Body.Bytes()
	if yes, _ := e.store.Suppressed(ctx, "reader@EXAMPLE.org", "breaking"); !yes {
		t.Fatal("not suppressed after the POST")
	}
	if yes, _ := e.store.Suppressed(ctx, "reader@example.org", "newsletter"); yes {
		t.Fatal("suppressed from another list")
	}
	// Twice is fine; multipart (RFC 8058 allows it) too.
	mp := "--b\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--b--\r\n"
	if w := e.do(http.MethodPost, path, mp, "Content-Type", "multipart/form-data; boundary=b"); w.Code != 200 {
		t.Errorf("multipart POST: %d", w.Code)
	}
	// The outbox skips the list's messages to the address.
	for i, list := range []string{"breaking", "newsletter"} {
		m := &dateline.OutMail{DedupeKey: "k" + list, ListID: list, To: "reader@example.org", Text: "x"}
		if _, err := e.store.EnqueueMail(ctx, m, time.Now().Add(time.Duration(i)*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	ms, suppressed, err := e.store.ClaimMail(ctx, time.Now().Add(time.Second), time.Minute, 10)
	if err != nil || suppressed != 1 || len(ms) != 1 || ms[0].ListID != "newsletter" {
		t.Errorf("claimed %+v, %d suppressed, %v", ms, suppressed, err)
	}

	// An English token gives an English page.
	en := mail.UnsubscribeURL("", key, mail.Unsubscription{Address: "a@example.org", List: "newsletter", Lang: "en"})
	if w, doc := e.page(en); w.Code != 200 || doc.First("html").Attr("lang") != "en" || !strings.Contains(w.Body.String(), "Stop sending messages of the list “newsletter” to a@example.org?") {
		t.Errorf("English page: %d %s", w.Code, w.Body)
	} else {
		pages["GET (English)"] = w.Body.Bytes()
	}

	// Bad input: a clear 400, never a 5xx.
	other := mail.Token([]byte("another key"), u)
	bad := []struct{ method, path, body, want string }{
		{"GET", "/unsubscribe/" + other, "", "not valid"},
		{"GET", "/unsubscribe/nonsense", "", "not valid"},
		{"GET", path + "x", "", "not valid"},
		{"POST", "/unsubscribe/" + other, "List-Unsubscribe=One-Click", "not valid"},
		{"POST", path, "", "List-Unsubscribe=One-Click"},
		{"POST", path, "List-Unsubscribe=Two-Clicks", "List-Unsubscribe=One-Click"},
		{"POST", path, strings.Repeat("x", 5000), "at most 4 KB"},
	}
	for _, b := range bad {
		w := e.do(b.method, b.path, b.body, "Content-Type", "application/x-www-form-urlencoded")
		if b.path == "/unsubscribe/nonsense" {
			pages["400"] = w.Body.Bytes()
		}
		if w.Code != 400 || !strings.Contains(w.Body.String(), b.want) {
			t.Errorf("%s %.60s %.30q: %d, want 400 with %q", b.method, b.path, b.body, w.Code, b.want)
		}
	}
}
