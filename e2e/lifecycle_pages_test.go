package e2e

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLifecyclePages shows the lifecycle as readers and editors meet it,
// in Chromium at phone and desktop widths, with axe-core: a story killed
// after publication answers 410 with its own headline and the sender's
// reason; a withheld one says it is withheld for now; the wire's attempt
// to revive the killed story is refused and marked on the desk; an editor
// restores it with a confirmation, and readers see it again.
func TestLifecyclePages(t *testing.T) {
	out, err := exec.Command(binPath, "token", "create", "--data", dataDir, "--name", "lifecycle-pages", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))
	addr := strings.TrimPrefix(baseURL, "http://")
	now := time.Now().UTC()
	send := func(doc string, want int) map[string]any {
		t.Helper()
		code, body := ingest(t, addr, token, doc)
		if code != want {
			t.Fatalf("ingest: %d %s (want %d)", code, body, want)
		}
		var r map[string]any
		json.Unmarshal([]byte(body), &r)
		return r
	}
	doc := func(uri, headline string, version int, extra string) string {
		return fmt.Sprintf(`{"uri": %q, "version": "%d", "versioncreated": %q, "headlines": [{"value": %q}],
			"bodies": [{"contenttype": "text/html", "value": "<p>The first paragraph of %s.</p>"}], "subjects": [{"literal": "11000000"}]%s}`,
			uri, version, now.Format(time.RFC3339), headline, headline, extra)
	}
	killed := send(doc("urn:e2e:lifecycle:killed", "Harbour tender awarded to Volnaya Shipping", 1, ""), 201)
	send(doc("urn:e2e:lifecycle:killed", "Kill notice", 2, `, "pubstatus": "canceled", "ednote": "Withdrawn on legal advice: the tender was not awarded."`), 200)
	held := send(doc("urn:e2e:lifecycle:held", "Ferry timetable for the winter season", 1, ""), 201)
	send(doc("urn:e2e:lifecycle:held", "Ferry timetable, withheld", 2, `, "pubstatus": "withheld"`), 200)
	// The wire tries to bring the killed story back: refused.
	send(doc("urn:e2e:lifecycle:killed", "Harbour tender awarded after all", 3, ""), 409)

	killedURL := fmt.Sprintf("%s/%s/%v", baseURL, killed["section"], killed["id"])
	heldURL := fmt.Sprintf("%s/%s/%v", baseURL, held["section"], held["id"])
	if code, _ := httpGet(t, fmt.Sprintf("%s/world/%v", baseURL, killed["id"])); code != 404 {
		t.Errorf("the killed story at another section's address: %d, want 404", code)
	}
	axe := axeSource(t)
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			must(t, ctx, chromedp.Navigate(killedURL), chromedp.WaitReady("main"))
			page := text(t, ctx, "main")
			if !strings.Contains(page, "Harbour tender awarded to Volnaya Shipping") || !strings.Contains(page, "Withdrawn on legal advice") ||
				strings.Contains(page, "Kill notice") || strings.Contains(page, "after all") {
				t.Errorf("the 410 page says: %s", page)
			}
			screenshot(t, ctx, size.name+"-lifecycle-killed")
			must(t, ctx, chromedp.Navigate(heldURL), chromedp.WaitReady("main"))
			if page := text(t, ctx, "main"); !strings.Contains(page, "withheld for now") || strings.Contains(page, "withheld,") {
				t.Errorf("the withheld notice says: %s", page)
			}
			screenshot(t, ctx, size.name+"-lifecycle-withheld")
			for _, u := range []string{killedURL, heldURL} {
				for _, v := range runAxe(t, ctx, u, axe) {
					t.Errorf("%s at %s: %s (%s)", u, size.name, v.ID, v.Help)
				}
			}
		})
	}

	// An editor sees the wire's attempt on the desk and restores the story.
	ctx := browser(t, 1280, 900, true)
	signIn(t, ctx, baseURL, "editor@example.org", demoPassword)
	must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/?status=withdrawn"), chromedp.WaitReady("main"))
	if desk := text(t, ctx, "main"); !strings.Contains(desk, "Wire tried to update") {
		t.Errorf("the desk does not mark the wire's attempt: %s", desk)
	}
	screenshot(t, ctx, "desktop-lifecycle-desk")
	edit := fmt.Sprintf("%s/newsroom/articles/%v", baseURL, killed["id"])
	must(t, ctx, chromedp.Navigate(edit), chromedp.WaitVisible(`form.reinstate`, chromedp.ByQuery))
	for _, v := range runAxe(t, ctx, edit, axe) {
		t.Errorf("%s: %s (%s)", edit, v.ID, v.Help)
	}
	must(t, ctx, chromedp.WaitVisible(`form.reinstate`, chromedp.ByQuery))
	screenshot(t, ctx, "desktop-lifecycle-restore")
	// Without the confirmation the browser does not send the form.
	var valid bool
	must(t, ctx, chromedp.Evaluate(`document.querySelector('form.reinstate').checkValidity()`, &valid))
	if valid {
		t.Error("the Restore form can be sent without its confirmation")
	}
	must(t, ctx, chromedp.Click(`#reinstate-confirm`, chromedp.ByQuery))
	clickAndLoad(t, ctx, `form.reinstate button[type=submit]`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, body := httpGet(t, killedURL)
		if code == 200 && strings.Contains(body, "Harbour tender awarded to Volnaya Shipping") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after Restore the story answers %d", code)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
