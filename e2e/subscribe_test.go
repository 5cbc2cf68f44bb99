package e2e

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dateline/internal/freeport"
	"dateline/internal/mailpittest"
)

// TestSubscribeFromArticle: at phone and desktop widths, a reader opens
// an article, follows a topic by email from its "By email" link,
// subscribes, reads the confirmation in Mailpit, confirms on the page it
// links to, and lands on the page of their subscriptions; axe finds
// nothing on the form, the notice, the confirmation page and the
// subscriptions page.
func TestSubscribeFromArticle(t *testing.T) {
	axe := axeSource(t)
	mp := mailpittest.Start(t)
	port := freeport.Ports(t, 1)[0]
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	data := t.TempDir()
	out, err := exec.Command(binPath, "token", "create", "--data", data, "--name", "e2e-alerts", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))
	n, err := startNode(context.Background(), binPath, "--data", data, "--demo", "--addr", "127.0.0.1:"+strconv.Itoa(port),
		"--base-url", base, "--smtp-url", mp.URL("news@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	defer n.stop()
	axeClean := func(t *testing.T, ctx context.Context, what string) {
		t.Helper()
		var url string
		must(t, ctx, chromedp.Location(&url))
		for _, v := range runAxe(t, ctx, url, axe) {
			var where []string
			for _, n := range v.Nodes {
				where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
			}
			t.Errorf("%s: %s (%s)\n  %s", what, v.ID, v.Help, strings.Join(where, "\n  "))
		}
	}
	confirmRE := regexp.MustCompile(regexp.QuoteMeta(base) + `(/subscribe/confirm/[^\s]+)`)
	moscow, err := time.LoadLocation("Europe/Moscow")
	if err != nil {
		t.Fatal(err)
	}
	// The digest is asked for at the current hour: start early enough in
	// the hour that it is still that hour when it is due.
	if m := time.Now().Minute(); m >= 56 {
		time.Sleep(time.Duration(61-m) * time.Minute)
	}
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			reader := "reader-" + size.name + "@example.org"
			// An article with a topic, from the politics page.
			var href string
			must(t, ctx, chromedp.Navigate(base+"/politics"),
				chromedp.AttributeValue(`#feed .feed-item a.teaser-title`, "href", &href, nil))
			found := false
			for _, p := range []string{href, "/topics/syrian-conflict"} {
				must(t, ctx, chromedp.Navigate(base+p), chromedp.WaitReady("body"))
				var has bool
				must(t, ctx, chromedp.Evaluate(`!!document.querySelector('.tags a.follow-email')`, &has))
				if !has && strings.HasPrefix(p, "/topics/") {
					must(t, ctx, chromedp.AttributeValue(`.feed-item a.teaser-title`, "href", &href, nil),
						chromedp.Navigate(base+href), chromedp.WaitReady("body"),
						chromedp.Evaluate(`!!document.querySelector('.tags a.follow-email')`, &has))
				}
				if has {
					found = true
					break
				}
			}
			if !found {
				t.Fatal("no article with a topic's By email link")
			}
			var follows int
			must(t, ctx, chromedp.Evaluate(`document.querySelectorAll('.tags button.follow').length`, &follows))
			if follows == 0 {
				t.Error("the Follow buttons are gone")
			}
			screenshot(t, ctx, "subscribe-article-"+size.name)
			clickAndWait(t, ctx, `.tags a.follow-email`)
			var checked []string
			must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('input[name=list]:checked')).map(i => i.value)`, &checked))
			if len(checked) != 1 || !strings.HasPrefix(checked[0], "topic:") {
				t.Fatalf("the form ticks %v, want the topic", checked)
			}
			axeClean(t, ctx, "the form at "+size.name)
			screenshot(t, ctx, "subscribe-form-"+size.name)
			// Breaking news, and the digest at this hour in Moscow, so it
			// is due within the minute.
			must(t, ctx, chromedp.SendKeys(`#sub-email`, reader), chromedp.Click(`input[name=list][value="breaking:en"]`, chromedp.NodeVisible),
				chromedp.Click(`input[name=list][value="digest:en"]`, chromedp.NodeVisible),
				chromedp.SetValue(`#sub-hour`, strconv.Itoa(time.Now().In(moscow).Hour())), chromedp.SetValue(`#sub-city`, "moscow"))
			clickAndWait(t, ctx, `.subscribe-form button[type=submit]`)
			var notice string
			must(t, ctx, chromedp.Text(`.notice`, &notice))
			if !strings.Contains(notice, "We sent a message to "+reader) {
				t.Fatalf("after subscribing: %q", notice)
			}
			axeClean(t, ctx, "the notice at "+size.name)
			screenshot(t, ctx, "subscribe-sent-"+size.name)

			// The confirmation, from Mailpit.
			var link string
			for deadline := time.Now().Add(20 * time.Second); link == "" && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
				for _, m := range mp.Messages(t) {
					if m.To[0].Address == reader {
						if l := confirmRE.FindStringSubmatch(mp.Message(t, m.ID).Text); l != nil {
							link = l[1]
						}
					}
				}
			}
			if link == "" {
				t.Fatalf("no confirmation for %s in Mailpit; the node logged:\n%s", reader, n.logs())
			}
			must(t, ctx, chromedp.Navigate(base+link), chromedp.WaitReady("body"))
			axeClean(t, ctx, "the confirmation page at "+size.name)
			screenshot(t, ctx, "subscribe-confirm-"+size.name)
			clickAndWait(t, ctx, `.subscribe-page form button[type=submit]`)
			var items []string
			must(t, ctx, chromedp.Text(`.notice`, &notice),
				chromedp.Evaluate(`Array.from(document.querySelectorAll('.subscription-list li')).map(li => li.innerText)`, &items))
			if !strings.Contains(notice, "Confirmed") || len(items) != 3 {
				t.Fatalf("after confirming: %q, %v", notice, items)
			}
			for _, it := range items {
				if !strings.Contains(it, "active") {
					t.Errorf("not active after confirming: %q", it)
				}
			}
			axeClean(t, ctx, "the subscriptions page at "+size.name)
			screenshot(t, ctx, "subscribe-manage-"+size.name)
		})
	}

	// A breaking story through the ingest API: both readers get the alert
	// from the serving node within a minute; the phone reader stops it in
	// one click (as a mail client does) and the page says so.
	sent := time.Now()
	status, body := tryIngest(strings.TrimPrefix(base, "http://"), token, item("urn:e2e:alert", "Quake hits the coast", time.Now(), `, "urgency": 1`))
	if status/100 != 2 {
		t.Fatalf("ingest: %d %s", status, body)
	}
	alerts := map[string]string{} // address: Mailpit id
	var lastAlert time.Duration
	for deadline := time.Now().Add(60 * time.Second); len(alerts) < 2 && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range mp.Messages(t) {
			if m.Subject == "Breaking: Quake hits the coast" && alerts[m.To[0].Address] == "" {
				alerts[m.To[0].Address] = m.ID
				lastAlert = time.Since(sent)
			}
		}
	}
	if len(alerts) != 2 || alerts["reader-phone@example.org"] == "" {
		t.Fatalf("alerts %v, want one to each reader; the node logged:\n%s", alerts, n.logs())
	}
	// A figure for the README: from the urgent story's POST to the
	// second reader's alert in Mailpit (polled every 100 ms).
	t.Logf("figure: the breaking alert reached Mailpit for both readers %v after the story was sent", lastAlert.Round(10*time.Millisecond))
	if lastAlert > time.Minute {
		t.Errorf("the alert took %v, want within a minute", lastAlert)
	}

	// The digest, due this minute in Moscow, reaches both readers, once,
	// with the site's stories and its own one-click unsubscribe.
	digests := map[string]string{}
	for deadline := time.Now().Add(90 * time.Second); len(digests) < 2 && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		for _, m := range mp.Messages(t) {
			if strings.HasPrefix(m.Subject, "Your daily digest") {
				if digests[m.To[0].Address] != "" && digests[m.To[0].Address] != m.ID {
					t.Errorf("a second digest to %s", m.To[0].Address)
				}
				digests[m.To[0].Address] = m.ID
			}
		}
	}
	if len(digests) != 2 {
		t.Fatalf("digests %v, want one to each reader; the node logged:\n%s", digests, n.logs())
	}
	dg := mp.Message(t, digests["reader-desktop@example.org"])
	if !strings.Contains(dg.Text, base+"/") || !strings.Contains(dg.HTML, `href="`+base+"/") {
		t.Errorf("the digest links no story: %.500s", dg.Text)
	}
	dUnsub := strings.Trim(mp.Headers(t, digests["reader-desktop@example.org"])["List-Unsubscribe"][0], "<>")
	if resp, err := http.Post(dUnsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click")); err != nil || resp.StatusCode != 200 {
		t.Fatalf("one-click on the digest: %v %v", resp, err)
	} else {
		resp.Body.Close()
	}
	id := alerts["reader-phone@example.org"]
	unsub := strings.Trim(mp.Headers(t, id)["List-Unsubscribe"][0], "<>")
	resp, err := http.Post(unsub, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("one-click: %v %v", resp, err)
	}
	resp.Body.Close()
	manage := regexp.MustCompile(regexp.QuoteMeta(base) + `(/subscriptions/[^\s]+)`).FindStringSubmatch(mp.Message(t, id).Text)
	if manage == nil {
		t.Fatal("no manage link in the alert")
	}
	dManage := regexp.MustCompile(regexp.QuoteMeta(base) + `(/subscriptions/[^\s]+)`).FindStringSubmatch(dg.Text)
	if dManage == nil {
		t.Fatal("no manage link in the digest")
	}
	// The phone reader stopped breaking news, the desktop reader the
	// digest; each page shows it at both widths.
	for reader, want := range map[string]struct{ path, off string }{"phone": {manage[1], "Breaking"}, "desktop": {dManage[1], "digest"}} {
		for _, size := range viewports {
			ctx := browser(t, size.w, size.h, true)
			must(t, ctx, chromedp.Navigate(base+want.path), chromedp.WaitReady("body"))
			var items []string
			must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('.subscription-list li')).map(li => li.innerText)`, &items))
			if len(items) != 3 {
				t.Errorf("%s reader at %s: after one click: %q", reader, size.name, items)
			}
			for _, it := range items {
				if off := strings.Contains(it, want.off); off != strings.Contains(it, "unsubscribed") {
					t.Errorf("%s reader at %s: %q after one click on %s", reader, size.name, it, want.off)
				}
			}
			axeClean(t, ctx, "the subscriptions page after one click at "+size.name)
			screenshot(t, ctx, "subscribe-unsubscribed-"+reader+"-"+size.name)
		}
	}
}
