package rates

import (
	"bytes"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"dateline"
)

// TestConversions pins converted amounts, exact and rounded, on the real
// samples: what the API and the page show.
func TestConversions(t *testing.T) {
	cbr := mustParse(t, cbrSample)
	ecb := mustParse(t, ecbSample)
	for _, tc := range []struct {
		tab              *Table
		amount, from, to string
		exact            string // as a fraction
		shown            string // Round(…, AmountPlaces)
	}{
		// 100 × 115.1963 / 127.2343 = 90.5387147…
		{cbr, "100", "USD", "EUR", "115196300/1272343", "90.54"},
		// Nominal 100: 1000 JPY × (99.4486/100) / 115.1963 = 8.63296…
		{cbr, "1000", "JPY", "USD", "", "8.63"},
		{cbr, "250", "GBP", "USD", "", "328.83"},
		{cbr, "1", "USD", "RUB", "1151963/10000", "115.20"},
		{cbr, "0.01", "RUB", "USD", "", "0.00"},
		// ECB rates are currency per EUR: 100 USD → JPY = 100 × 163.36 / 1.1252.
		{ecb, "100", "USD", "JPY", "", "14518.31"},
		{ecb, "100", "GBP", "USD", "", "132.74"},
		{ecb, "1", "EUR", "USD", "2813/2500", "1.13"},
	} {
		t.Run(tc.amount+tc.from+tc.to, func(t *testing.T) {
			a, err := ParseAmount(tc.amount)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Convert(tc.tab, tc.from, tc.to, a)
			if err != nil {
				t.Fatal(err)
			}
			if tc.exact != "" && got.RatString() != tc.exact {
				t.Errorf("exact = %s, want %s", got.RatString(), tc.exact)
			}
			if s := Round(got, AmountPlaces); s != tc.shown {
				t.Errorf("shown = %s, want %s", s, tc.shown)
			}
		})
	}
}

// TestRecord: a table survives the trip through its stored form exactly.
func TestRecord(t *testing.T) {
	for _, name := range []string{cbrSample, ecbSample} {
		tab := mustParse(t, name)
		at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("MSK", 3*3600))
		rec := tab.Record(at)
		if rec.Source != tab.Source || rec.Base != tab.Base || !rec.Date.Equal(tab.Date) || len(rec.Rates) != len(tab.Rates) ||
			rec.FetchedAt.Location() != time.UTC || !rec.FetchedAt.Equal(at) {
			t.Fatalf("%s: record %+v", name, rec)
		}
		if err := rec.Validate(); err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(rec.Rates); i++ {
			if rec.Rates[i-1].Code >= rec.Rates[i].Code {
				t.Fatalf("rates not in code order: %s, %s", rec.Rates[i-1].Code, rec.Rates[i].Code)
			}
		}
		// Stored as text and read back, every rate is the same fraction.
		for i, r := range rec.Rates {
			back, err := dateline.ParseStoredRate(r.PerUnit.RatString())
			if err != nil || back.Cmp(tab.Rates[r.Code].PerUnit) != 0 {
				t.Fatalf("%s: %s back = %v, %v", name, r.Code, back, err)
			}
			rec.Rates[i].PerUnit = back
		}
		again := FromRecord(rec)
		for code, r := range tab.Rates {
			if again.Rates[code].PerUnit.Cmp(r.PerUnit) != 0 || again.Rates[code].Published != r.Published || again.Rates[code].Nominal != r.Nominal {
				t.Errorf("%s: %s = %+v, want %+v", name, code, again.Rates[code], r)
			}
		}
	}
}

func TestParseMoreBroken(t *testing.T) {
	cbr := readFile(t, cbrSample)
	for _, tc := range []struct {
		name string
		data []byte
		msg  string
	}{
		{"missing Nominal", cbrDoc2(`Date="27.11.2026"`, `<Valute><CharCode>USD</CharCode><Name>X</Name><Value>90,1</Value></Valute>`), "bad nominal"},
		{"windows-1251 bytes said to be UTF-8", bytes.Replace(cbr, []byte(`encoding="windows-1251"`), []byte(`encoding="UTF-8"`), 1), "not well-formed XML"},
		{"white space only", []byte(" \n\t "), "no root element"},
		{"empty file", []byte{}, "no root element"},
		{"duplicate codes, ECB", []byte(`<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref"><Cube><Cube time="2026-11-27"><Cube currency="USD" rate="1.1"/><Cube currency="USD" rate="1.2"/></Cube></Cube></gesmes:Envelope>`), "duplicate currency USD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.data)
			var e *Error
			if !errors.As(err, &e) || e.Code != dateline.EINVALID || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("Parse = %v, want EINVALID containing %q", err, tc.msg)
			}
		})
	}
	// Cut anywhere, the real file is refused, never half stored.
	for n := 0; n < len(cbr)-20; n += 97 {
		if tab, err := Parse(cbr[:n]); err == nil {
			t.Fatalf("the first %d bytes parsed: %d rates", n, len(tab.Rates))
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"100", "100"}, {"1234.56", "1234.56"}, {"0,5", "0.5"}, {" 7 ", "7"}, {"1 000 000", "1000000"},
		{"1\u00a0000,25", "1000.25"}, {"0", "0"}, {"000012", "12"}, {"999999999999999", "999999999999999"},
		{"0.00000001", "0.00000001"},
	} {
		got, err := ParseAmount(tc.in)
		if err != nil || got.Cmp(rat(t, tc.want)) != 0 {
			t.Errorf("ParseAmount(%q) = %v, %v; want %s", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", " ", "-5", "−5", "+5", "1e5", "abc", "1/3", "1.2.3", "1,2,3", ".5", "5.", "1 x", "1  000", "1. 5",
		"1000000000000000", "0.000000001", "NaN", "Inf", "0x10", "１２", strings.Repeat("9", 70), "1 000.", "5,"} {
		_, err := ParseAmount(in)
		var e *Error
		if !errors.As(err, &e) || e.Code != dateline.EINVALID || strings.ContainsAny(e.Message, "\n\r") {
			t.Errorf("ParseAmount(%q) = %v, want EINVALID", in, err)
		}
	}
}

func TestParseDayAndCode(t *testing.T) {
	if d, err := ParseDay("2026-11-27"); err != nil || !d.Equal(time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("ParseDay = %v, %v", d, err)
	}
	for _, in := range []string{"", "27.11.2026", "2026-02-30", "2026-1-5", "1899-12-31", "2026-11-27T00:00:00Z", "10000-01-01", "+2026-11-27"} {
		if _, err := ParseDay(in); err == nil {
			t.Errorf("ParseDay(%q) accepted", in)
		}
	}
	if c, err := ParseCode(" usd"); err != nil || c != "USD" {
		t.Errorf("ParseCode = %q, %v", c, err)
	}
	for _, in := range []string{"", "US", "USDX", "U$D", "ÜSD", "123"} {
		if _, err := ParseCode(in); err == nil {
			t.Errorf("ParseCode(%q) accepted", in)
		}
	}
}

func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"100", "1 000,50", "-1", "1e9", "0.00000001", "９"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseAmount(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != dateline.EINVALID || strings.ContainsAny(e.Message, "\n\r") {
				t.Fatalf("ParseAmount(%q) = %v", s, err)
			}
			return
		}
		limit := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(MaxIntDigits), nil))
		if r.Sign() < 0 || r.Cmp(limit) >= 0 {
			t.Fatalf("ParseAmount(%q) = %s, out of range", s, r.RatString())
		}
	})
}

func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"2026-11-27", "2026-02-29", "0000-00-00", "27.11.2026"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDay(s)
		if err != nil {
			return
		}
		if d.Format(time.DateOnly) != s || d.Location() != time.UTC {
			t.Fatalf("ParseDay(%q) = %v", s, d)
		}
	})
}
