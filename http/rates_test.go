package http_test

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"dateline/internal/htmlcheck"
	"dateline/rates"
)

// loadRates stores the real Bank of Russia and ECB samples, and a second
// Bank of Russia day (16 March 2022, USD at 110) for the history.
func (e *env) loadRates() {
	e.helper()
	ctx := context.Background()
	rs := e.store
	for _, name := range []string{"../rates/testdata/cbr_XML_daily_2022-03-15.xml", "../rates/testdata/ecb_eurofxref-daily_2025-05-09.xml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			e.t.Fatal(err)
		}
		tab, err := rates.Parse(b)
		if err != nil {
			e.t.Fatal(err)
		}
		if _, err := rs.SaveRates(ctx, tab.Record(e.clock.Now()), time.Now()); err != nil {
			e.t.Fatal(err)
		}
		if tab.Source == rates.SourceCBR {
			b = []byte(strings.Replace(strings.Replace(string(b), `Date="15.03.2022"`, `Date="16.03.2022"`, 1), "115,1963", "110,0000", 1))
			next, err := rates.Parse(b)
			if err != nil {
				e.t.Fatal(err)
			}
			if _, err := rs.SaveRates(ctx, next.Record(e.clock.Now()), time.Now()); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	e.srv.Changed()
}

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, body)
	}
	return m
}

func TestConvertAPI(t *testing.T) {
	e := newEnv(t, false)
	if w := e.get("/api/v1/convert?from=USD&to=EUR&amount=100"); w.Code != 404 || !strings.Contains(w.Body.String(), "No exchange rates are stored yet.") {
		t.Errorf("no rates: %d %s", w.Code, w.Body)
	}
	e.loadRates()
	for _, tc := range []struct {
		query                                string
		result, rate, date, source, from, to string
	}{
		// 100 × 115.1963 / 127.2343 = 90.5387…
		{"from=USD&to=EUR&amount=100&date=2022-03-15", "90.54", "0.9054", "2022-03-15", "cbr", "USD", "EUR"},
		// The newest Bank of Russia day: USD at 110.
		{"from=usd&to=rub&amount=2,5", "275.00", "110.0000", "2022-03-16", "cbr", "USD", "RUB"},
		// Nominal 100: 1000 × 0.994486 / 115.1963.
		{"from=JPY&to=USD&amount=1000&date=2022-03-15", "8.63", "0.0086", "2022-03-15", "cbr", "JPY", "USD"},
		// A Sunday after the last day takes the rates in force.
		{"from=USD&to=EUR&amount=1%20000&date=2022-03-20", "864.55", "0.8645", "2022-03-16", "cbr", "USD", "EUR"},
		{"from=USD&to=JPY&amount=100&source=ecb", "14518.31", "145.1831", "2025-05-09", "ecb", "USD", "JPY"},
		{"from=EUR&to=USD&source=ecb", "1.13", "1.1252", "2025-05-09", "ecb", "EUR", "USD"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			w := e.get("/api/v1/convert?" + tc.query)
			if w.Code != 200 {
				t.Fatalf("%d %s", w.Code, w.Body)
			}
			m := decode(t, w.Body.Bytes())
			for k, want := range map[string]string{"result": tc.result, "rate": tc.rate, "date": tc.date, "source": tc.source, "from": tc.from, "to": tc.to} {
				if m[k] != want {
					t.Errorf("%s = %v, want %s", k, m[k], want)
				}
			}
			if m["rounding"] != rates.Rounding || m["source_name"] == "" {
				t.Errorf("rounding/source_name missing: %v", m)
			}
			if w.Header().Get("ETag") == "" || !strings.Contains(w.Header().Get("Cache-Control"), "public") {
				t.Errorf("headers %v", w.Header())
			}
			if w2 := e.get("/api/v1/convert?"+tc.query, "If-None-Match", w.Header().Get("ETag")); w2.Code != 304 {
				t.Errorf("conditional: %d", w2.Code)
			}
		})
	}
}

func TestRatesAPI(t *testing.T) {
	e := newEnv(t, false)
	e.loadRates()
	w := e.get("/api/v1/rates?base=EUR&date=2022-03-15")
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	var res struct {
		Source, Date, Base, Rounding string
		Rates                        []struct{ Code, Name, Rate, Inverse string }
	}
	json.Unmarshal(w.Body.Bytes(), &res)
	if res.Source != "cbr" || res.Date != "2022-03-15" || res.Base != "EUR" || res.Rounding == "" || len(res.Rates) != 34 {
		t.Fatalf("answer %+v", res)
	}
	got := map[string][2]string{}
	for _, r := range res.Rates {
		got[r.Code] = [2]string{r.Rate, r.Inverse}
	}
	// EUR per USD = 115.1963 / 127.2343; per RUB = 1 / 127.2343.
	if got["USD"] != [2]string{"0.9054", "1.1045"} || got["RUB"] != [2]string{"0.0079", "127.2343"} {
		t.Errorf("USD %v, RUB %v", got["USD"], got["RUB"])
	}
	if _, ok := got["EUR"]; ok {
		t.Error("the base is listed against itself")
	}
	w = e.get("/api/v1/rates?source=ecb")
	if m := decode(t, w.Body.Bytes()); w.Code != 200 || m["base"] != "EUR" || m["date"] != "2025-05-09" {
		t.Errorf("ecb: %d %v", w.Code, m)
	}
}

// TestRatesBadInput: every bad parameter is a 4xx with a JSON message.
func TestRatesBadInput(t *testing.T) {
	e := newEnv(t, false)
	e.loadRates()
	for _, tc := range []struct {
		path string
		code int
		msg  string
	}{
		{"/api/v1/convert?from=XXX&to=EUR", 404, "No XXX rate"},
		{"/api/v1/convert?from=US&to=EUR", 400, "Bad currency code"},
		{"/api/v1/convert?to=EUR", 400, "from is a currency code"},
		{"/api/v1/convert?from=USD&to=EUR&amount=-5", 400, "must not be negative"},
		{"/api/v1/convert?from=USD&to=EUR&amount=1e9", 400, "not a number"},
		{"/api/v1/convert?from=USD&to=EUR&amount=abc", 400, "not a number"},
		{"/api/v1/convert?from=USD&to=EUR&amount=", 400, "Give an amount"},
		{"/api/v1/convert?from=USD&to=EUR&amount=99999999999999999999", 400, "too large"},
		{"/api/v1/convert?from=USD&to=EUR&date=15.03.2022", 400, "not a date"},
		{"/api/v1/convert?from=USD&to=EUR&date=2022-02-30", 400, "not a date"},
		{"/api/v1/convert?from=USD&to=EUR&date=2099-01-01", 400, "in the future"},
		{"/api/v1/convert?from=USD&to=EUR&date=2020-01-01", 404, "first stored are of 2022-03-15"},
		{"/api/v1/convert?from=USD&to=EUR&source=fed", 400, "source is cbr"},
		{"/api/v1/convert?from=USD&to=EUR&amount=%zz", 400, "malformed"},
		{"/api/v1/rates?base=ABC", 404, "No ABC rate"},
		{"/api/v1/rates?base=1", 400, "Bad currency code"},
		{"/api/v1/rates?date=yesterday", 400, "not a date"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			w := e.get(tc.path)
			if w.Code != tc.code || !strings.Contains(w.Body.String(), tc.msg) {
				t.Fatalf("%d %s; want %d with %q", w.Code, w.Body, tc.code, tc.msg)
			}
			m := decode(t, w.Body.Bytes())
			if _, ok := m["error"]; !ok {
				t.Errorf("no error object: %v", m)
			}
		})
	}
}

// TestCurrencyPage: the converter works without script, states the
// source, date and rounding, lists the main currencies and draws the
// history.
func TestCurrencyPage(t *testing.T) {
	e := newEnv(t, false)
	if w := e.get("/currency"); w.Code != 404 || !strings.Contains(w.Body.String(), "No exchange rates are stored yet.") {
		t.Errorf("no rates: %d", w.Code)
	}
	if w, doc := e.page("/"); w.Code != 200 || has(doc, ".rates-box") {
		t.Error("the home page shows a rates block without rates")
	}
	e.loadRates()
	w, doc := e.page("/currency?amount=100&from=USD&to=EUR&date=2022-03-15")
	if w.Code != 200 {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	body := w.Body.String()
	for _, want := range []string{"90.54 EUR", "1 USD = 0.9054 EUR", "Bank of Russia", "March 15, 2022", rates.Rounding,
		`min="2022-03-15"`, `max="2022-03-16"`, `value="2022-03-15"`, `<option value="EUR" selected>`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if text(doc, "#cc-result .out") != "90.54 EUR" {
		t.Errorf("result %q", text(doc, "#cc-result .out"))
	}
	if !has(doc, `form.converter[method="get"][action="/currency"]`) || !has(doc, `input[type="date"][name="date"]`) || !has(doc, `label[for="cc-amount"]`) {
		t.Error("the form is not a plain GET form with labels and a date picker")
	}
	if !strings.Contains(body, `<script src="/static/currency.`) || strings.Contains(body, "<script>") {
		t.Error("script not loaded as a file")
	}

	// Defaults: 100 USD into the base, on the newest date, with the
	// chart of its history.
	_, doc = e.page("/currency")
	if got := text(doc, "#cc-result .out"); got != "11000.00 RUB" {
		t.Errorf("default result %q", got)
	}
	body = e.get("/currency").Body.String()
	if !has(doc, "svg.chart title") || !has(doc, "svg.chart desc") || !has(doc, "svg.chart polyline") {
		t.Error("no chart with a title, a description and a line")
	}
	if !strings.Contains(body, "From 115.1963 on March 15, 2022 to 110.0000 on March 16, 2022") {
		t.Error("chart description")
	}
	// A weekend date shows the rates in force and says so.
	w = e.get("/currency?date=2022-03-20")
	if !strings.Contains(w.Body.String(), "none were published on 2022-03-20") {
		t.Error("the page does not say the date asked had no rates")
	}
	// The ECB's table.
	w, doc = e.page("/currency?source=ecb&from=GBP&to=USD&amount=100")
	if w.Code != 200 || text(doc, "#cc-result .out") != "132.74 USD" || !strings.Contains(w.Body.String(), "European Central Bank") {
		t.Errorf("ecb page: %d %q", w.Code, text(doc, "#cc-result .out"))
	}

	// Bad input: 400 with the message on the page, the form kept.
	for _, q := range []string{"amount=-1", "amount=lots", "from=ZZZ", "date=2022-13-01", "date=2099-01-01", "chart=QQQ", "days=7", "source=fed"} {
		w, doc := e.page("/currency?" + q)
		if w.Code != 400 || !has(doc, "#cc-result .error") || !has(doc, "form.converter") {
			t.Errorf("%s: %d, error shown %v", q, w.Code, has(doc, "#cc-result .error"))
		}
	}
	if w := e.get("/currency?date=2001-01-01"); w.Code != 404 {
		t.Errorf("before the first rates: %d", w.Code)
	}

	// The home page's block.
	_, doc = e.page("/")
	if !has(doc, `.rates-box a[href="/currency"]`) || !strings.Contains(text(doc, ".rates-box"), "110.0000 RUB") {
		t.Errorf("home block: %q", text(doc, ".rates-box"))
	}
}

// FuzzCurrencyQuery: no query makes the page or the API fail with 5xx.
func FuzzCurrencyQuery(f *testing.F) {
	e := newEnv(f, false)
	e.loadRates()
	for _, s := range []string{"100", "1 000,5", "-1", "1e9", "", "0", "９９"} {
		f.Add(s, "2022-03-15", "USD")
	}
	f.Add("1", "2022-02-30", "eur")
	f.Fuzz(func(t *testing.T, amount, date, from string) {
		q := url.Values{"amount": {amount}, "date": {date}, "from": {from}, "to": {"EUR"}}.Encode()
		for _, path := range []string{"/api/v1/convert?", "/currency?", "/api/v1/rates?base=" + url.QueryEscape(from) + "&"} {
			w := e.get(path + q)
			if w.Code >= 500 {
				t.Fatalf("%s%s: %d %s", path, q, w.Code, w.Body)
			}
		}
	})
}

func has(d *htmlcheck.Doc, sel string) bool { return d.First(sel) != nil }

func text(d *htmlcheck.Doc, sel string) string {
	if n := d.First(sel); n != nil {
		return n.Text()
	}
	return ""
}

// BenchmarkConvertAPI is one conversion through the router: the table read
// from the store, the exact arithmetic and the JSON with its ETag.
func BenchmarkConvertAPI(b *testing.B) {
	e := newEnv(b, false)
	e.loadRates()
	for b.Loop() {
		if w := e.get("/api/v1/convert?from=USD&to=EUR&amount=100"); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}

// BenchmarkCurrencyPage renders /currency with a conversion and its
// chart; the page cache is emptied each time, so this is the cold cost.
func BenchmarkCurrencyPage(b *testing.B) {
	e := newEnv(b, false)
	e.loadRates()
	for b.Loop() {
		e.srv.Changed()
		if w := e.get("/currency?amount=250&from=GBP&to=USD"); w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
