package e2e

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestLiveAnnouncement keeps the news feed open in a browser and publishes
// an urgent story through the ingest API: the page must announce it (the
// "new stories" button and the breaking banner) within 2 seconds, and
// "show" must bring it into the feed without reloading the page.
func TestLiveAnnouncement(t *testing.T) {
	out, err := exec.Command(binPath, "token", "create", "--data", dataDir, "--name", "live-test", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))
	ctx := browser(t, 1280, 900, true)
	must(t, ctx, chromedp.Navigate(baseURL+"/news?all=1"), chromedp.WaitReady(`#live`))
	// Mark the page, to know later that "show" did not reload it.
	must(t, ctx, chromedp.Evaluate(`window.__same = 1`, nil))
	time.Sleep(700 * time.Millisecond) // the stream connects

	headline := "Live e2e: urgent story " + time.Now().Format("150405.000")
	start := time.Now()
	code, body := ingest(t, strings.TrimPrefix(baseURL, "http://"), token, item("urn:e2e:live:"+time.Now().Format("150405.000"), headline, time.Now().UTC(), `, "urgency": 1`))
	if code >= 300 {
		t.Fatalf("ingest: %d %s", code, body)
	}
	var text string
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		must(t, ctx, chromedp.Evaluate(`(document.querySelector('#live') || {}).textContent || ""`, &text))
		if strings.Contains(text, "new stor") && strings.Contains(text, headline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	took := time.Since(start)
	if !strings.Contains(text, "new stor") || !strings.Contains(text, headline) {
		t.Fatalf("not announced within 2 s; #live says %q", text)
	}
	t.Logf("announced in %v", took)
	screenshot(t, ctx, "live-announced")

	// "show" brings the story into the feed in place.
	must(t, ctx, chromedp.Click(`#live button.live-show, #live button[data-live-show]`, chromedp.ByQuery))
	var inFeed bool
	for i := 0; i < 40 && !inFeed; i++ {
		must(t, ctx, chromedp.Evaluate(`Array.from(document.querySelectorAll('#feed .teaser-title')).some(a => a.textContent.includes(`+jsString(headline)+`))`, &inFeed))
		time.Sleep(50 * time.Millisecond)
	}
	var same bool
	must(t, ctx, chromedp.Evaluate(`window.__same === 1`, &same))
	if !inFeed || !same {
		t.Errorf("after show: in feed %v, same page %v", inFeed, same)
	}
}

// TestLiveBannerSaysWhatTheArticleSays: an urgency-2 story is announced
// as URGENT, as its article marks it, and an urgency-1 story as BREAKING,
// at phone and desktop widths (issue 17, point 12).
func TestLiveBannerSaysWhatTheArticleSays(t *testing.T) {
	out, err := exec.Command(binPath, "token", "create", "--data", dataDir, "--name", "banner-test", "--scope", "write").Output()
	if err != nil {
		t.Fatalf("token: %v", err)
	}
	token := strings.TrimSpace(string(out))
	for _, vp := range viewports {
		for _, tc := range []struct {
			urgency int
			word    string
		}{{2, "URGENT"}, {1, "BREAKING"}} {
			ctx := browser(t, vp.w, vp.h, true)
			must(t, ctx, chromedp.Navigate(baseURL+"/"), chromedp.WaitReady(`#live`))
			time.Sleep(700 * time.Millisecond) // the stream connects
			stamp := time.Now().Format("150405.000")
			headline := fmt.Sprintf("Banner e2e %d at %d px %s", tc.urgency, vp.w, stamp)
			if code, body := ingest(t, strings.TrimPrefix(baseURL, "http://"), token, item("urn:e2e:banner:"+stamp, headline, time.Now().UTC(), fmt.Sprintf(`, "urgency": %d`, tc.urgency))); code >= 300 {
				t.Fatalf("ingest: %d %s", code, body)
			}
			var label string
			for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline) && label == ""; time.Sleep(50 * time.Millisecond) {
				must(t, ctx, chromedp.Evaluate(`(() => { const l = document.querySelector("#live .breaking-label"); return l && document.querySelector("#live").textContent.includes(`+jsString(headline)+`) ? l.textContent : ""; })()`, &label))
			}
			if label != tc.word {
				t.Errorf("%d px: an urgency-%d story is announced as %q, want %q", vp.w, tc.urgency, label, tc.word)
			}
			screenshot(t, ctx, fmt.Sprintf("banner-%s-%d", strings.ToLower(tc.word), vp.w))
		}
	}
}
