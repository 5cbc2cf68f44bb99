package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The demo's newest Bank of Russia table is the official file of
// 15 March 2022: USD 115.1963, EUR 127.2343 RUB.
const (
	usdIn250 = "28799.08 RUB" // 250 × 115.1963 = 28799.075, half away from zero
	usdEUR   = "90.54 EUR"    // 100 × 115.1963 / 127.2343 = 90.5387…
)

// TestCurrencyConverter types an amount and sees the result change without
// the page reloading, then converts with script off through the plain form.
func TestCurrencyConverter(t *testing.T) {
	t.Run("live", func(t *testing.T) {
		ctx := browser(t, 1280, 900, true)
		var out string
		must(t, ctx, chromedp.Navigate(baseURL+"/currency"), chromedp.WaitReady("#cc-result .out"),
			chromedp.Text("#cc-result .out", &out))
		if out != "11519.63 RUB" {
			t.Errorf("first result %q", out)
		}
		// A mark on the window: it is gone if the page reloads.
		must(t, ctx, chromedp.Evaluate(`window.__same = true`, nil),
			clearField("#cc-amount"), chromedp.SendKeys("#cc-amount", "250"))
		waitText(t, ctx, "#cc-result .out", usdIn250)
		must(t, ctx, chromedp.Evaluate(`(s => { s.value = 'EUR'; s.dispatchEvent(new Event('change', {bubbles: true})) })(document.getElementById('cc-to'))`, nil),
			clearField("#cc-amount"), chromedp.SendKeys("#cc-amount", "100"))
		waitText(t, ctx, "#cc-result .out", usdEUR)
		var same bool
		var rateOf, url string
		must(t, ctx, chromedp.Evaluate(`window.__same === true`, &same), chromedp.Text("#cc-result .rate-of", &rateOf),
			chromedp.Evaluate(`location.search`, &url))
		if !same {
			t.Error("the page reloaded")
		}
		if !strings.Contains(rateOf, "Bank of Russia") || !strings.Contains(rateOf, "2022") {
			t.Errorf("the result does not name the source and date: %q", rateOf)
		}
		if !strings.Contains(url, "amount=100") || !strings.Contains(url, "to=EUR") {
			t.Errorf("the address does not keep the question: %q", url)
		}
		// Bad input: the message, not a stale result.
		must(t, ctx, clearField("#cc-amount"), chromedp.SendKeys("#cc-amount", "-5"))
		waitText(t, ctx, "#cc-result .error", "The amount must not be negative.")
		screenshot(t, ctx, "currency-live-error")
	})
	t.Run("russian", func(t *testing.T) {
		ctx := browser(t, 390, 844, true)
		must(t, ctx, chromedp.Navigate(baseURL+"/ru/currency"), chromedp.WaitReady("#cc-result .out"),
			chromedp.Evaluate(`window.__same = true`, nil), clearField("#cc-amount"), chromedp.SendKeys("#cc-amount", "250"))
		// Russian pages write a decimal comma (issue 17, point 18).
		waitText(t, ctx, "#cc-result .out", strings.Replace(usdIn250, ".", ",", 1))
		var rateOf string
		var same bool
		must(t, ctx, chromedp.Evaluate(`document.querySelector("#cc-result .rate-of").textContent`, &rateOf),
			chromedp.Evaluate(`window.__same === true`, &same))
		if !same || !strings.HasPrefix(rateOf, "Курсы: Банк России, ") || !strings.Contains(rateOf, "марта 2022") {
			t.Errorf("the live Russian result names %q (same page %v)", rateOf, same)
		}
		must(t, ctx, clearField("#cc-amount"), chromedp.SendKeys("#cc-amount", "-5"))
		waitText(t, ctx, "#cc-result .error", "Пересчет не выполнен: проверьте сумму, валюты и дату.")
	})
	t.Run("no script", func(t *testing.T) {
		ctx := browser(t, 390, 844, false)
		must(t, ctx, chromedp.Navigate(baseURL+"/currency"), chromedp.WaitReady("form.converter"),
			chromedp.SetValue("#cc-amount", "250"), chromedp.Submit("#cc-amount"))
		waitText(t, ctx, "#cc-result .out", usdIn250)
		var loc string
		must(t, ctx, chromedp.Evaluate(`location.search`, &loc))
		if !strings.Contains(loc, "amount=250") {
			t.Errorf("not a GET form: %q", loc)
		}
	})
}

// clearField empties a field as a reader selecting its text and deleting it
// would, without an event of its own.
func clearField(sel string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`document.querySelector(%q).value = ''`, sel), nil)
}

func waitText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	var got string
	for i := 0; i < 100; i++ {
		var nodes int
		if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll(%q).length`, sel), &nodes)); err == nil && nodes > 0 {
			if err := chromedp.Run(ctx, chromedp.Text(sel, &got, chromedp.AtLeast(0))); err == nil && got == want {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s says %q, want %q", sel, got, want)
}
