package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAdminMakesClient has an admin make a product and a client, and give
// the client the product, at phone and desktop widths: each page passes
// axe-core, and the client's page then shows the product in force and its
// signed feed address; the month's usage page passes axe-core too.
func TestAdminMakesClient(t *testing.T) {
	axe := axeSource(t)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			ctx := browser(t, vp.w, vp.h, true)
			signIn(t, ctx, baseURL, "admin@example.org", demoPassword)
			check := func(where string) {
				t.Helper()
				var url string
				must(t, ctx, chromedp.Location(&url))
				for _, v := range runAxe(t, ctx, url, axe) {
					var nodes []string
					for _, n := range v.Nodes {
						nodes = append(nodes, fmt.Sprint(n.Target)+" "+n.HTML)
					}
					t.Errorf("%s at %s: %s (%s)\n  %s", where, vp.name, v.ID, v.Help, strings.Join(nodes, "\n  "))
				}
			}
			product := "Economy desk " + vp.name
			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/products"), chromedp.WaitVisible(`#p-name`))
			check("/newsroom/products")
			must(t, ctx,
				chromedp.SendKeys(`#p-name`, product, chromedp.ByQuery),
				chromedp.Click(`input[name=section][value=economy]`, chromedp.ByQuery),
				chromedp.Click(`input[name=lang][value=en]`, chromedp.ByQuery),
				chromedp.SetValue(`#p-urgency`, "5", chromedp.ByQuery),
			)
			clickAndLoad(t, ctx, `form.stack button[type=submit]`)
			idFrom(t, ctx, `/newsroom/products\?done=(saved)`)
			if s := text(t, ctx, `table.desk`); !strings.Contains(s, product) || !strings.Contains(s, "sections economy") {
				t.Errorf("the products list reads %q", s)
			}
			screenshot(t, ctx, "clients-products-"+vp.name)

			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/clients"), chromedp.WaitVisible(`#c-name`))
			check("/newsroom/clients")
			must(t, ctx, chromedp.SendKeys(`#c-name`, "Bank of Examples "+vp.name, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form.stack button[type=submit]`)
			id := idFrom(t, ctx, `/newsroom/clients/(\d+)\?done=created`)
			var options string
			must(t, ctx, chromedp.Evaluate(`[...document.querySelectorAll('#p-product option')].map(o => o.value + '=' + o.text).join('|')`, &options))
			value := ""
			for _, o := range strings.Split(options, "|") {
				if v, name, _ := strings.Cut(o, "="); name == product {
					value = v
				}
			}
			if value == "" {
				t.Fatalf("the product is not offered: %q", options)
			}
			must(t, ctx, chromedp.SetValue(`#p-product`, value, chromedp.ByQuery))
			clickAndLoad(t, ctx, `form[action$="/products"] button[type=submit]`)
			idFrom(t, ctx, `/newsroom/clients/`+id+`\?done=(saved)`)
			if s := text(t, ctx, `main`); !strings.Contains(s, product) || !strings.Contains(s, "Saved.") {
				t.Errorf("the client's page reads %q", s)
			}
			var feed string
			must(t, ctx, chromedp.Evaluate(`(document.querySelector('ul.feeds input') || {}).value || ''`, &feed))
			if !strings.Contains(feed, "/wire/feeds/"+id+"/"+value+".rss?sig=") {
				t.Errorf("the feed address is %q", feed)
			}
			check("/newsroom/clients/" + id)
			screenshot(t, ctx, "clients-client-"+vp.name)

			must(t, ctx, chromedp.Navigate(baseURL+"/newsroom/usage"), chromedp.WaitVisible(`#u-month`))
			check("/newsroom/usage")
			screenshot(t, ctx, "clients-usage-"+vp.name)
		})
	}
}
