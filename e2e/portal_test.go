package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"dateline/internal/mailpittest"
)

// TestPortalJourney is a client user's journey through the portal at
// phone and desktop widths: the invitation's link sets a password, the
// user signs out and in again, sees the wire of the company's product
// with its galleries (one opened, with its pictures, and its zip), an
// item arrives live without a reload, the user opens it, downloads a zip
// of the selected items and follows a topic, whose next story arrives in
// Mailpit as an alert email (sent by a second node, the one with
// --smtp-url) with a one-click unsubscribe that works; the Russian
// interface. Every page passes axe-core.
func TestPortalJourney(t *testing.T) {
	axe := axeSource(t)
	cli := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(binPath, append(args, "--data", dataDir)...).CombinedOutput()
		if err != nil {
			t.Fatalf("dateline %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	out, err := exec.Command(binPath, "token", "create", "--data", dataDir, "--name", "portal-e2e", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))
	// A second node on the same data sends email; both record alerts.
	mp := mailpittest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mailer, err := startNode(ctx, binPath, "--data", dataDir, "--push=false", "--base-url", baseURL, "--smtp-url", mp.URL("wire@news.example"))
	if err != nil {
		t.Fatal(err)
	}
	defer mailer.stop()
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			client := regexp.MustCompile(`client (\d+):`).FindStringSubmatch(cli("client", "add", "--name", "Portal Bank "+vp.name, "--seats", "3"))
			product := regexp.MustCompile(`product (\d+):`).FindStringSubmatch(cli("client", "product", "add", "--name", "Politics "+vp.name, "--sections", "politics"))
			cli("client", "take", "--client", client[1], "--product", product[1])
			email := "desk-" + vp.name + "@bank.example"
			letter := cli("client", "invite", "--email", email, "--client", client[1], "--name", "Desk "+vp.name, "--role", "client-admin", "--base-url", baseURL)
			link := regexp.MustCompile(`(?m)^(http\S+/wire/invitation/\S+)$`).FindStringSubmatch(letter)
			if link == nil {
				t.Fatalf("no link in the invitation: %s", letter)
			}
			c := browser(t, vp.w, vp.h, true)
			check := func(where string) {
				t.Helper()
				var url string
				must(t, c, chromedp.Location(&url))
				for _, v := range runAxe(t, c, url, axe) {
					var nodes []string
					for _, n := range v.Nodes {
						nodes = append(nodes, fmt.Sprint(n.Target)+" "+n.HTML)
					}
					t.Errorf("%s at %s: %s (%s)\n  %s", where, vp.name, v.ID, v.Help, strings.Join(nodes, "\n  "))
				}
			}
			const password = "a portal password for e2e"

			// The invitation.
			must(t, c, chromedp.Navigate(link[1]), chromedp.WaitVisible(`#password`))
			check("the invitation")
			screenshot(t, c, "portal-invitation-"+vp.name)
			must(t, c, chromedp.SendKeys(`#password`, password, chromedp.ByQuery), chromedp.SendKeys(`#repeat`, password, chromedp.ByQuery))
			clickAndLoad(t, c, `.login button[type=submit]`)
			idFrom(t, c, `/wire/\?done=(password)`)

			// Out and in again through the sign-in form.
			clickAndLoad(t, c, `.who button[type=submit]`)
			must(t, c, chromedp.WaitVisible(`#email`))
			check("the sign-in form")
			screenshot(t, c, "portal-signin-"+vp.name)
			must(t, c, chromedp.SendKeys(`#email`, email, chromedp.ByQuery), chromedp.SendKeys(`#password`, password, chromedp.ByQuery))
			clickAndLoad(t, c, `.login button[type=submit]`)
			idFrom(t, c, `(/wire/)$`)
			must(t, c, chromedp.WaitVisible(`#wire-list`))
			check("the wire")

			// The product of politics carries the section's galleries: the
			// wire shows them marked, and one's page has its pictures and
			// a zip with their originals.
			must(t, c, chromedp.WaitVisible(`.collection-item`))
			if s := text(t, c, `.collections`); !strings.Contains(strings.ToLower(s), "gallery") || !strings.Contains(s, "Lavrov") {
				t.Errorf("the wire's galleries read %q", s)
			}
			screenshot(t, c, "portal-wire-galleries-"+vp.name)
			clickAndLoad(t, c, `.collection-item h3 a`)
			must(t, c, chromedp.WaitVisible(`.collection-pictures figure img`))
			check("a gallery")
			var pictures int
			must(t, c, chromedp.Evaluate(`document.querySelectorAll('.collection-pictures figure img').length`, &pictures))
			var overflow bool
			must(t, c, chromedp.Evaluate(`document.documentElement.scrollWidth > window.innerWidth`, &overflow))
			if pictures < 2 || overflow {
				t.Errorf("the gallery's page: %d pictures, wider than the screen %v", pictures, overflow)
			}
			screenshot(t, c, "portal-gallery-"+vp.name)
			var gzip string
			must(t, c, chromedp.Evaluate(`(async () => {
				const r = await fetch(document.querySelector('a[href$="/download/zip"]').href);
				const b = new Uint8Array(await r.arrayBuffer());
				const s = Array.from(b.slice(0, Math.min(b.length, 1 << 22)), x => String.fromCharCode(x)).join('');
				return r.status + ' ' + r.headers.get('Content-Type') + ' ' + s.slice(0, 2) + ' ' + (s.match(/dateline-gallery-\d+-\d+\.(jpg|png|webp)/g) || []).length;
			})()`, &gzip, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if f := strings.Fields(gzip); len(f) != 4 || f[0] != "200" || f[1] != "application/zip" || f[2] != "PK" || f[3] == "0" {
				t.Errorf("the gallery's zip: %q", gzip)
			}
			must(t, c, chromedp.Navigate(baseURL+"/wire/"), chromedp.WaitVisible(`#wire-list`))

			// An item arrives live: the page is not reloaded.
			must(t, c, chromedp.Evaluate(`window.__same = 1`, nil))
			deadline := time.Now().Add(5 * time.Second)
			for live := ""; !strings.Contains(live, "Live") && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				must(t, c, chromedp.Evaluate(`document.getElementById('live-status').textContent`, &live))
			}
			headline := "Portal e2e: parliament votes " + vp.name + " " + time.Now().Format("150405.000")
			uri := "urn:e2e:portal:" + vp.name + time.Now().Format("150405.000")
			if code, body := ingest(t, strings.TrimPrefix(baseURL, "http://"), token, item(uri, headline, time.Now().UTC(), `, "urgency": 2`)); code >= 300 {
				t.Fatalf("ingest: %d %s", code, body)
			}
			var arrived bool
			for deadline := time.Now().Add(10 * time.Second); !arrived && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
				must(t, c, chromedp.Evaluate(`Array.from(document.querySelectorAll('.wire-item.new h2')).some(h => h.textContent.includes(`+jsString(headline)+`))`, &arrived))
			}
			var same bool
			must(t, c, chromedp.Evaluate(`window.__same === 1`, &same))
			if !arrived || !same {
				t.Fatalf("the item did not arrive live (arrived %v, same page %v): %s", arrived, same, text(t, c, `#wire-list`))
			}
			if s := text(t, c, `.wire-item.new`); !strings.Contains(strings.ToLower(s), "urgent") {
				t.Errorf("the new item is not marked urgent: %q", s)
			}
			screenshot(t, c, "portal-wire-"+vp.name)

			// A zip of the first two items, as the form sends it.
			must(t, c, chromedp.Evaluate(`document.querySelectorAll('.wire-item input[name=id]').forEach((b, i) => { b.checked = i < 2 })`, nil))
			var zip string
			must(t, c, chromedp.Evaluate(`(async () => {
				const f = document.getElementById('zip-form');
				const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))});
				const b = new Uint8Array(await r.arrayBuffer());
				return r.status + ' ' + r.headers.get('Content-Type') + ' ' + String.fromCharCode(b[0], b[1]) + ' ' + b.length;
			})()`, &zip, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if !strings.HasPrefix(zip, "200 application/zip PK") {
				t.Errorf("the zip: %q", zip)
			}

			// The item's page.
			clickAndLoad(t, c, `.wire-item.new h2 a`)
			must(t, c, chromedp.WaitVisible(`.wire-article h1`))
			if s := text(t, c, `main`); !strings.Contains(s, headline) || !strings.Contains(s, "Politics "+vp.name) || !strings.Contains(s, "NewsML-G2") {
				t.Errorf("the item's page reads %q", s)
			}
			check("the item")
			screenshot(t, c, "portal-item-"+vp.name)
			// A story of the demo, with its topics and persons to follow
			// (the newest items may be other tests' wire stories, which
			// have none: the first that has some).
			var items []string
			must(t, c, chromedp.Navigate(baseURL+"/wire/"), chromedp.WaitVisible(`#wire-list`),
				chromedp.Evaluate(`[...document.querySelectorAll('.wire-item h2 a')].filter(a => !a.textContent.includes('Portal e2e')).map(a => a.getAttribute('href'))`, &items))
			found := false
			for _, demo := range items[:min(len(items), 15)] {
				must(t, c, chromedp.Navigate(baseURL+demo), chromedp.WaitVisible(`.wire-article h1`))
				if found = strings.Contains(text(t, c, `.wire-side`), "Follow"); found {
					break
				}
			}
			if !found {
				t.Fatalf("none of the wire's first %d demo items offers something to follow", min(len(items), 15))
			}
			check("a demo item")
			screenshot(t, c, "portal-item-demo-"+vp.name)

			// Follow a topic; the other pages pass axe-core too.
			must(t, c, chromedp.Navigate(baseURL+"/wire/follows"), chromedp.WaitVisible(`input[name=value]`),
				chromedp.SendKeys(`input[name=value]`, "parliament", chromedp.ByQuery))
			clickAndLoad(t, c, `form[action="/wire/follows"] button[type=submit]`)
			if s := text(t, c, `main`); !strings.Contains(s, "parliament") || !strings.Contains(s, "Followed") {
				t.Errorf("the follows page reads %q", s)
			}
			check("follows")
			screenshot(t, c, "portal-follows-"+vp.name)

			// The followed topic's next story: an alert email, and its
			// one-click unsubscribe.
			alerted := "Portal e2e: parliament alert " + vp.name + " " + time.Now().Format("150405.000")
			doc := fmt.Sprintf(`{"uri": %q, "versioncreated": %q, "headlines": [{"value": %q}], "bodies": [{"contenttype": "text/html", "value": "<p>Body.</p>"}],
				"subjects": [{"literal": "11000000"}, {"name": "Parliament"}]}`, "urn:e2e:alert:"+vp.name, time.Now().UTC().Format(time.RFC3339), alerted)
			if code, body := ingest(t, strings.TrimPrefix(baseURL, "http://"), token, doc); code >= 300 {
				t.Fatalf("ingest: %d %s", code, body)
			}
			var mailID string
			for deadline := time.Now().Add(45 * time.Second); mailID == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
				for _, m := range mp.Messages(t) {
					if len(m.To) == 1 && m.To[0].Address == email {
						mailID = m.ID
					}
				}
			}
			if mailID == "" {
				t.Fatalf("no alert email to %s in Mailpit", email)
			}
			if m := mp.Message(t, mailID); !strings.Contains(m.Text, alerted) || !strings.Contains(m.HTML, baseURL+"/wire/items/") {
				t.Errorf("the alert email: %s\n%s", m.Subject, m.Text)
			}
			h := mp.Headers(t, mailID)
			if len(h["List-Unsubscribe"]) != 1 || len(h["List-Unsubscribe-Post"]) != 1 {
				t.Fatalf("the alert email's headers: %v", h)
			}
			resp, err := http.Post(strings.Trim(h["List-Unsubscribe"][0], "<>"), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "You are unsubscribed") {
				t.Errorf("the one-click unsubscribe: %d %s", resp.StatusCode, body)
			}
			for _, p := range []string{"/wire/bookmarks", "/wire/people"} {
				must(t, c, chromedp.Navigate(baseURL+p), chromedp.WaitVisible(`main h1`))
				check(p)
				screenshot(t, c, "portal-"+strings.TrimPrefix(p, "/wire/")+"-"+vp.name)
			}

			// The Russian interface.
			must(t, c, chromedp.Navigate(baseURL+"/wire/lang/ru?next=/wire/"), chromedp.WaitVisible(`#wire-list`))
			if s := text(t, c, `h1`); s != "Лента" {
				t.Errorf("the Russian wire's heading: %q", s)
			}
			check("the Russian wire")
			screenshot(t, c, "portal-wire-ru-"+vp.name)
		})
	}
}
