package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

func axeSource(t *testing.T) string {
	path := os.Getenv("DATELINE_AXE")
	if path == "" {
		path = "node_modules/axe-core/axe.min.js"
	}
	src, err := os.ReadFile(path)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("axe-core is required under CI: %v", err)
		}
		t.Skipf("axe-core is not installed (./test.sh installs it): %v", err)
	}
	return string(src)
}

type axeViolation struct {
	ID    string `json:"id"`
	Help  string `json:"help"`
	Nodes []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// TestAccessibility runs axe-core's rules on the home, feed, section and
// article pages at phone and desktop widths: no violation may be found.
func TestAccessibility(t *testing.T) {
	axe := axeSource(t)
	pages := []string{"/", "/news", "/politics", "", "/photo/", "/topics/", "/stories/", "/topics/syrian-conflict", "/search?q=Syria+terrorists", "/search?q=nothingatallhere",
		"/ru/", "/ru/news", "/ru/ekonomika", "/ru/search?q=Лавров",
		"/currency", "/currency?source=ecb&from=GBP&to=JPY&amount=1000&chart=JPY&days=90", "/currency?amount=oops"}
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h, true)
			for _, p := range pages {
				if p == "" {
					// The seed article, found through the politics page.
					var href string
					must(t, ctx, chromedp.Navigate(baseURL+"/politics"),
						chromedp.AttributeValue(`#feed .feed-item a.teaser-title`, "href", &href, nil))
					p = href
				}
				vs := runAxe(t, ctx, baseURL+p, axe)
				for _, v := range vs {
					var where []string
					for _, n := range v.Nodes {
						where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
					}
					t.Errorf("%s at %s: %s (%s)\n  %s", p, size.name, v.ID, v.Help, strings.Join(where, "\n  "))
				}
				screenshot(t, ctx, size.name+p)
			}
		})
	}
}

func runAxe(t *testing.T, ctx context.Context, url, axe string) []axeViolation {
	t.Helper()
	var raw string
	err := chromedp.Run(ctx,
		chromedp.Navigate(url),
		chromedp.WaitReady("body"),
		chromedp.Evaluate(axe, nil),
		chromedp.Evaluate(`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`, &raw,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("axe on %s: %v", url, err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}

// TestNewsroomAccessibility runs axe-core over the newsroom's pages, signed
// in as an editor and as an admin, at phone and desktop widths.
func TestNewsroomAccessibility(t *testing.T) {
	axe := axeSource(t)
	pages := map[string][]string{
		"editor@example.org": {"/newsroom/", "/newsroom/articles/new", "/newsroom/articles/1", "/newsroom/articles/1/history",
			"/newsroom/photos", "/newsroom/galleries", "/newsroom/top", "/newsroom/stories", "/newsroom/stories/1", "/newsroom/account"},
		"admin@example.org": {"/newsroom/users", "/newsroom/sections", "/newsroom/tokens", "/newsroom/audit", "/newsroom/ads"},
	}
	for _, size := range viewports {
		t.Run(size.name, func(t *testing.T) {
			for who, ps := range pages {
				ctx := browser(t, size.w, size.h, true)
				for _, v := range runAxe(t, ctx, baseURL+"/newsroom/login", axe) {
					t.Errorf("/newsroom/login at %s: %s (%s)", size.name, v.ID, v.Help)
				}
				signIn(t, ctx, baseURL, who, demoPassword)
				for _, p := range ps {
					for _, v := range runAxe(t, ctx, baseURL+p, axe) {
						var where []string
						for _, n := range v.Nodes {
							where = append(where, fmt.Sprint(n.Target)+" "+n.HTML)
						}
						t.Errorf("%s at %s: %s (%s)\n  %s", p, size.name, v.ID, v.Help, strings.Join(where, "\n  "))
					}
				}
			}
		})
	}
}
