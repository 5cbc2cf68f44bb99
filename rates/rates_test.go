package rates

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"strings"
	"testing"
	"time"

	"dateline"
)

const (
	cbrSample = "testdata/cbr_XML_daily_2022-03-15.xml"
	ecbSample = "testdata/ecb_eurofxref-daily_2025-05-09.xml"
)

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustParse(t testing.TB, name string) *Table {
	t.Helper()
	tab, err := Parse(readFile(t, name))
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return tab
}

func rat(t testing.TB, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("bad rat %q", s)
	}
	return r
}

func TestParseCBR(t *testing.T) {
	tab := mustParse(t, cbrSample)
	if tab.Source != SourceCBR || tab.Base != "RUB" {
		t.Errorf("source/base = %s/%s", tab.Source, tab.Base)
	}
	if want := time.Date(2022, 3, 15, 0, 0, 0, 0, time.UTC); !tab.Date.Equal(want) || tab.Date.Location() != time.UTC {
		t.Errorf("date = %v, want %v", tab.Date, want)
	}
	if len(tab.Rates) != 34 {
		t.Errorf("%d rates, want 34", len(tab.Rates))
	}
	for _, tc := range []struct {
		code, perUnit, published, name string
		nominal                        int64
	}{
		{"USD", "115.1963", "115,1963", "Доллар США", 1},
		{"EUR", "127.2343", "127,2343", "Евро", 1},
		{"GBP", "151.5177", "151,5177", "Фунт стерлингов Соединенного королевства", 1},
		{"JPY", "0.994486", "99,4486", "Японских иен", 100},
		{"KZT", "0.224903", "22,4903", "Казахстанских тенге", 100},
	} {
		t.Run(tc.code, func(t *testing.T) {
			r, ok := tab.Rates[tc.code]
			if !ok {
				t.Fatal("missing")
			}
			if r.PerUnit.Cmp(rat(t, tc.perUnit)) != 0 {
				t.Errorf("per unit = %s, want %s", r.PerUnit.FloatString(8), tc.perUnit)
			}
			if r.Nominal != tc.nominal || r.Published != tc.published || r.Name != tc.name || r.Code != tc.code {
				t.Errorf("got %+v", r)
			}
		})
	}
	// Value/Nominal is exact: 99.4486/100, not a rounded float.
	if got := tab.Rates["JPY"].PerUnit; got.Cmp(big.NewRat(994486, 1000000)) != 0 {
		t.Errorf("JPY per unit = %s", got.RatString())
	}
}

func TestParseECB(t *testing.T) {
	tab := mustParse(t, ecbSample)
	if tab.Source != SourceECB || tab.Base != "EUR" {
		t.Errorf("source/base = %s/%s", tab.Source, tab.Base)
	}
	if want := time.Date(2025, 5, 9, 0, 0, 0, 0, time.UTC); !tab.Date.Equal(want) {
		t.Errorf("date = %v, want %v", tab.Date, want)
	}
	if len(tab.Rates) != 30 {
		t.Errorf("%d rates, want 30", len(tab.Rates))
	}
	for code, published := range map[string]string{"USD": "1.1252", "JPY": "163.36", "GBP": "0.84770"} {
		r := tab.Rates[code]
		// The ECB publishes currency per EUR; PerUnit is EUR per currency.
		if want := new(big.Rat).Inv(rat(t, published)); r.PerUnit == nil || r.PerUnit.Cmp(want) != 0 {
			t.Errorf("%s per unit = %v, want 1/%s", code, r.PerUnit, published)
		}
		if r.Published != published || r.Nominal != 1 {
			t.Errorf("%s = %+v", code, r)
		}
	}
	got, err := Convert(tab, "EUR", "USD", big.NewRat(1, 1))
	if err != nil || got.Cmp(rat(t, "1.1252")) != 0 {
		t.Errorf("1 EUR in USD = %v, %v; want 1.1252 exactly", got, err)
	}
	if got, _ := Convert(tab, "USD", "EUR", big.NewRat(1, 1)); Round(got, RatePlaces) != "0.8887" {
		t.Errorf("1 USD in EUR = %s, want 0.8887", Round(got, RatePlaces))
	}
}

func TestCrossRate(t *testing.T) {
	tab := mustParse(t, cbrSample)
	got, err := Convert(tab, "USD", "EUR", big.NewRat(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	want := new(big.Rat).Quo(rat(t, "115.1963"), rat(t, "127.2343"))
	if got.Cmp(want) != 0 {
		t.Errorf("USD→EUR = %s, want %s exactly", got.RatString(), want.RatString())
	}
	if s := Round(got, RatePlaces); s != "0.9054" {
		t.Errorf("rounded = %s", s)
	}
	// Nominal 100: 1000 JPY = 1000 × 99.4486/100 RUB = 994.486 RUB.
	got, err = Convert(tab, "JPY", "RUB", big.NewRat(1000, 1))
	if err != nil || got.Cmp(rat(t, "994.486")) != 0 {
		t.Errorf("1000 JPY in RUB = %v, %v", got, err)
	}
	got, err = Convert(tab, "RUB", "RUB", big.NewRat(7, 3))
	if err != nil || got.Cmp(big.NewRat(7, 3)) != 0 {
		t.Errorf("RUB→RUB = %v, %v", got, err)
	}
}

func TestRoundTrip(t *testing.T) {
	for _, name := range []string{cbrSample, ecbSample} {
		tab := mustParse(t, name)
		codes := []string{tab.Base}
		for c := range tab.Rates {
			codes = append(codes, c)
		}
		amount := rat(t, "1234.56")
		for _, from := range codes {
			for _, to := range codes {
				there, err := Convert(tab, from, to, amount)
				if err != nil {
					t.Fatal(err)
				}
				back, err := Convert(tab, to, from, there)
				if err != nil {
					t.Fatal(err)
				}
				if back.Cmp(amount) != 0 {
					t.Errorf("%s: %s→%s→%s = %s, want exactly 1234.56", name, from, to, from, back.FloatString(10))
				}
				// As people see it: the intermediate rounded to cents. The
				// way back may then be off by half a cent times the rate.
				shown := rat(t, Round(there, AmountPlaces))
				back, _ = Convert(tab, to, from, shown)
				tol, _ := Convert(tab, to, from, big.NewRat(1, 200))
				tol.Add(tol, big.NewRat(1, 200))
				diff := new(big.Rat).Sub(back, amount)
				if diff.Abs(diff).Cmp(tol) > 0 {
					t.Errorf("%s: %s→%s→%s via %s = %s", name, from, to, from, Round(shown, 2), Round(back, 4))
				}
			}
		}
	}
}

func TestRound(t *testing.T) {
	for _, tc := range []struct {
		x      string
		places int
		want   string
	}{
		{"0.125", 2, "0.13"},
		{"-0.125", 2, "-0.13"},
		{"2.675", 2, "2.68"},
		{"2.665", 2, "2.67"},
		{"-2.675", 2, "-2.68"},
		{"0.124999", 2, "0.12"},
		{"1/3", 4, "0.3333"},
		{"2/3", 4, "0.6667"},
		{"-1/3", 2, "-0.33"},
		{"0", 2, "0.00"},
		{"-0.001", 2, "0.00"},
		{"-0.005", 2, "-0.01"},
		{"999.995", 2, "1000.00"},
		{"0.5", 0, "1"},
		{"-0.5", 0, "-1"},
		{"1.5", -3, "2"},
		{"115.1963", 4, "115.1963"},
		{"0.994486", 4, "0.9945"},
		{"12", 3, "12.000"},
		{"0.00004", 4, "0.0000"},
		{"0.00005", 4, "0.0001"},
	} {
		t.Run(tc.x, func(t *testing.T) {
			if got := Round(rat(t, tc.x), tc.places); got != tc.want {
				t.Errorf("Round(%s, %d) = %q, want %q", tc.x, tc.places, got, tc.want)
			}
		})
	}
	if got := Round(nil, 2); got != "0.00" {
		t.Errorf("Round(nil) = %q", got)
	}
}

func TestConvertErrors(t *testing.T) {
	tab := mustParse(t, cbrSample)
	one := big.NewRat(1, 1)
	for _, tc := range []struct {
		name     string
		tab      *Table
		from, to string
		amount   *big.Rat
		code     string
	}{
		{"unknown from", tab, "XXX", "USD", one, dateline.ENOTFOUND},
		{"unknown to", tab, "USD", "ZZZ", one, dateline.ENOTFOUND},
		{"lower case", tab, "usd", "EUR", one, dateline.EINVALID},
		{"too long", tab, "USDX", "EUR", one, dateline.EINVALID},
		{"empty", tab, "", "EUR", one, dateline.EINVALID},
		{"non-ASCII", tab, "ÜSD", "EUR", one, dateline.EINVALID},
		{"nil table", nil, "USD", "EUR", one, dateline.EINVALID},
		{"nil amount", tab, "USD", "EUR", nil, dateline.EINVALID},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Convert(tc.tab, tc.from, tc.to, tc.amount)
			var e *Error
			if !errors.As(err, &e) || e.Code != tc.code {
				t.Fatalf("err = %v, want *Error with code %s", err, tc.code)
			}
		})
	}
}

// cbrDoc2 builds a small Bank of Russia document in UTF-8; date is the Date
// attribute (or nothing) and valutes the Valute elements.
func cbrDoc2(date, valutes string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?><ValCurs ` + date + ` name="Foreign Currency Market">` + valutes + `</ValCurs>`)
}

func valute(code, nominal, value string) string {
	return `<Valute ID="R0"><NumCode>840</NumCode><CharCode>` + code + `</CharCode><Nominal>` + nominal +
		`</Nominal><Name>X</Name><Value>` + value + `</Value></Valute>`
}

func TestParseErrors(t *testing.T) {
	cbr := readFile(t, cbrSample)
	ecb := readFile(t, ecbSample)
	usd := valute("USD", "1", "90,1234")
	date := `Date="27.11.2026"`
	for _, tc := range []struct {
		name string
		data []byte
		code string
		msg  string // a part of the message
	}{
		{"truncated CBR", cbr[:len(cbr)/2], dateline.EINVALID, "not well-formed XML"},
		{"truncated ECB", ecb[:len(ecb)-30], dateline.EINVALID, "not well-formed XML"},
		{"value abc", bytes.Replace(cbr, []byte("<Value>115,1963</Value>"), []byte("<Value>abc</Value>"), 1), dateline.EINVALID, `bad value "abc" for USD`},
		{"nominal 0", bytes.Replace(cbr, []byte("<Nominal>100</Nominal>"), []byte("<Nominal>0</Nominal>"), 1), dateline.EINVALID, "nominal for"},
		{"missing Date", bytes.Replace(cbr, []byte(`Date="15.03.2022" `), nil, 1), dateline.EINVALID, "missing date"},
		{"duplicate currency", bytes.Replace(cbr, []byte("<CharCode>EUR</CharCode>"), []byte("<CharCode>USD</CharCode>"), 1), dateline.EINVALID, "duplicate currency USD"},
		{"not XML", []byte("%PDF-1.7\nnot rates"), dateline.EINVALID, "not an XML document"},
		{"JSON", []byte(`{"Date":"2026-11-27"}`), dateline.EINVALID, "not an XML document"},
		{"empty input", nil, dateline.EINVALID, "no root element"},
		{"HTML", []byte("<html><body>503</body></html>"), dateline.EINVALID, "root element html"},
		{"unknown root", []byte(`<?xml version="1.0"?><rates/>`), dateline.EINVALID, "unknown rates document"},
		{"over 1 MB", append(bytes.Repeat([]byte(" "), MaxSize), cbr...), dateline.ETOOLARGE, "over"},
		{"bad date", cbrDoc2(`Date="31.02.2026"`, usd), dateline.EINVALID, "bad date"},
		{"ISO date in CBR", cbrDoc2(`Date="2026-11-27"`, usd), dateline.EINVALID, "bad date"},
		{"empty date", cbrDoc2(`Date=""`, usd), dateline.EINVALID, "missing date"},
		{"empty table", cbrDoc2(date, ""), dateline.EINVALID, "no rates"},
		{"value 0", cbrDoc2(date, valute("USD", "1", "0,0000")), dateline.EINVALID, "must be positive"},
		{"negative value", cbrDoc2(date, valute("USD", "1", "-90,1234")), dateline.EINVALID, "bad value"},
		{"negative nominal", cbrDoc2(date, valute("USD", "-1", "90,1234")), dateline.EINVALID, "bad nominal"},
		{"nominal abc", cbrDoc2(date, valute("USD", "one", "90,1234")), dateline.EINVALID, "bad nominal"},
		{"huge nominal", cbrDoc2(date, valute("USD", "99999999999999999999", "90,1234")), dateline.EINVALID, "bad nominal"},
		{"decimal point in CBR", cbrDoc2(date, valute("USD", "1", "90.1234")), dateline.EINVALID, "bad value"},
		{"exponent", cbrDoc2(date, valute("USD", "1", "9e3")), dateline.EINVALID, "bad value"},
		{"fraction", cbrDoc2(date, valute("USD", "1", "1/3")), dateline.EINVALID, "bad value"},
		{"two commas", cbrDoc2(date, valute("USD", "1", "1,2,3")), dateline.EINVALID, "bad value"},
		{"trailing comma", cbrDoc2(date, valute("USD", "1", "90,")), dateline.EINVALID, "bad value"},
		{"empty value", cbrDoc2(date, valute("USD", "1", "")), dateline.EINVALID, "bad value"},
		{"bad VunitRate", cbrDoc2(date, strings.Replace(usd, "</Value>", "</Value><VunitRate>x</VunitRate>", 1)), dateline.EINVALID, "bad VunitRate"},
		{"lower-case code", cbrDoc2(date, valute("usd", "1", "90,1234")), dateline.EINVALID, "bad currency code"},
		{"empty code", cbrDoc2(date, valute("", "1", "90,1234")), dateline.EINVALID, "bad currency code"},
		{"base listed", cbrDoc2(date, valute("RUB", "1", "1,0000")), dateline.EINVALID, "base currency"},
		{"ECB bad rate", bytes.Replace(ecb, []byte("rate='1.1252'"), []byte("rate='1,1252'"), 1), dateline.EINVALID, "bad rate"},
		{"ECB zero rate", bytes.Replace(ecb, []byte("rate='1.1252'"), []byte("rate='0.0'"), 1), dateline.EINVALID, "must be positive"},
		{"ECB duplicate", bytes.Replace(ecb, []byte("currency='JPY'"), []byte("currency='USD'"), 1), dateline.EINVALID, "duplicate currency USD"},
		{"ECB missing time", bytes.Replace(ecb, []byte("time='2025-05-09'"), nil, 1), dateline.EINVALID, "missing date"},
		{"ECB bad time", bytes.Replace(ecb, []byte("time='2025-05-09'"), []byte("time='09.05.2025'"), 1), dateline.EINVALID, "bad date"},
		{"ECB two days", bytes.Replace(ecb, []byte("<Cube time='2025-05-09'>"), []byte("<Cube time='2025-05-08'><Cube currency='USD' rate='1.1'/></Cube><Cube time='2025-05-09'>"), 1), dateline.EINVALID, "2 dates"},
		{"ECB no day", []byte(`<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube></Cube></gesmes:Envelope>`), dateline.EINVALID, "missing date"},
		{"junk after root", append(append([]byte{}, ecb...), "<x>"...), dateline.EINVALID, "not well-formed XML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := Parse(tc.data)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %+v, %v; want *Error", tab, err)
			}
			if e.Code != tc.code || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("err = %s %q, want %s containing %q", e.Code, e.Message, tc.code, tc.msg)
			}
			if strings.ContainsAny(e.Message, "\n\r") || len(e.Message) > 120 {
				t.Errorf("message is not one short line: %q", e.Message)
			}
			if tab != nil {
				t.Errorf("table = %+v with an error", tab)
			}
		})
	}
}

func TestParseVariants(t *testing.T) {
	// Newer CBR files carry VunitRate; the exact Value/Nominal is kept.
	doc := cbrDoc2(`Date="27.11.2026"`, strings.Replace(valute("JPY", "100", "52,1234"), "</Value>", "</Value><VunitRate>0,521234</VunitRate>", 1))
	tab, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if got := tab.Rates["JPY"].PerUnit; got.Cmp(rat(t, "0.521234")) != 0 {
		t.Errorf("JPY = %s", got.RatString())
	}
	if want := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC); !tab.Date.Equal(want) {
		t.Errorf("date = %v", tab.Date)
	}

	// UTF-8 bytes under a windows-1251 label: decoded as windows-1251 the
	// name is mojibake, but the numbers are ASCII, so the table still parses.
	lying := []byte(`<?xml version="1.0" encoding="windows-1251"?><ValCurs Date="27.11.2026"><Valute><CharCode>USD</CharCode><Nominal>1</Nominal><Name>Доллар США</Name><Value>90,1234</Value></Valute></ValCurs>`)
	tab, err = Parse(lying)
	if err != nil {
		t.Fatalf("mislabelled UTF-8: %v", err)
	}
	if r := tab.Rates["USD"]; r.Name == "Доллар США" || r.PerUnit.Cmp(rat(t, "90.1234")) != 0 {
		t.Errorf("mislabelled UTF-8: %+v", r)
	}
	// An unknown encoding label is an error, not a panic.
	if _, err := Parse(bytes.Replace(lying, []byte("windows-1251"), []byte("x-no-such"), 1)); err == nil {
		t.Error("unknown encoding accepted")
	}
	// A byte order mark and surrounding space are fine.
	ecb := append([]byte("\ufeff\n"), readFile(t, ecbSample)...)
	if _, err := Parse(append(ecb, "\n<!-- end -->\n"...)); err != nil {
		t.Errorf("ECB with BOM: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(readFile(f, cbrSample))
	f.Add(readFile(f, ecbSample))
	f.Add(cbrDoc2(`Date="27.11.2026"`, valute("JPY", "100", "52,1234")))
	f.Fuzz(func(t *testing.T, data []byte) {
		tab, err := Parse(data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || tab != nil {
				t.Fatalf("Parse = %v, %v; want nil, *Error", tab, err)
			}
			if strings.ContainsAny(e.Message, "\n\r") {
				t.Fatalf("multi-line message %q", e.Message)
			}
			return
		}
		if len(tab.Rates) == 0 || tab.Date.IsZero() || tab.Date.Location() != time.UTC {
			t.Fatalf("bad table %+v", tab)
		}
		for code, r := range tab.Rates {
			if !validCode(code) || code != r.Code || r.PerUnit.Sign() <= 0 || r.Nominal <= 0 {
				t.Fatalf("bad rate %q %+v", code, r)
			}
			x, err := Convert(tab, code, tab.Base, big.NewRat(1, 1))
			if err != nil {
				t.Fatal(err)
			}
			back, err := Convert(tab, tab.Base, code, x)
			if err != nil || back.Cmp(big.NewRat(1, 1)) != 0 {
				t.Fatalf("%s round trip = %v, %v", code, back, err)
			}
		}
	})
}
