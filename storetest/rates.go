package storetest

import (
	"math/big"
	"testing"
	"time"

	"dateline"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// rateTable is a small CBR-like table: USD at usd RUB, JPY at 99.4486 for
// 100 units.
func rateTable(date, usd string) *dateline.RateTable {
	r, _ := new(big.Rat).SetString(usd)
	return &dateline.RateTable{Source: "cbr", Base: "RUB", Date: day(date), FetchedAt: base, Rates: []dateline.CurrencyRate{
		{Code: "JPY", Name: "Японских иен", Nominal: 100, Published: "99,4486", PerUnit: big.NewRat(994486, 1000000)},
		{Code: "USD", Name: "Доллар США", Nominal: 1, Published: usd, PerUnit: r},
	}}
}

// testRates checks dateline.Rates: saving by source and date (the same
// date replaces, the same table twice changes nothing), the newest table
// on or before a date, the dates, the sources and one currency's history.
func testRates(t *testing.T, s dateline.Store) {
	rs := s
	if _, err := rs.RatesOn(ctx, "cbr", day("2026-11-27")); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Fatalf("RatesOn on an empty store = %v, want ENOTFOUND", err)
	}
	if ss, err := rs.RateSources(ctx); err != nil || len(ss) != 0 {
		t.Fatalf("RateSources = %v, %v; want none", ss, err)
	}
	for _, bad := range []*dateline.RateTable{
		{Source: "cbr", Base: "RUB", Date: day("2026-11-27")},
		{Source: "", Base: "RUB", Date: day("2026-11-27"), Rates: rateTable("2026-11-27", "90").Rates},
		{Source: "cbr", Base: "RUB", Rates: rateTable("2026-11-27", "90").Rates},
	} {
		if _, err := rs.SaveRates(ctx, bad, time.Now()); dateline.ErrorCode(err) != dateline.EINVALID {
			t.Errorf("SaveRates(%+v) = %v, want EINVALID", bad, err)
		}
	}

	for _, tc := range []struct{ date, usd string }{
		{"2026-11-24", "90.1"}, {"2026-11-25", "90.25"}, {"2026-11-27", "91.0001"},
	} {
		if changed, err := rs.SaveRates(ctx, rateTable(tc.date, tc.usd), time.Now()); err != nil || !changed {
			t.Fatalf("SaveRates(%s) = %v, %v", tc.date, changed, err)
		}
	}
	// The same table again writes nothing; a corrected one replaces it.
	if changed, err := rs.SaveRates(ctx, rateTable("2026-11-25", "90.25"), time.Now()); err != nil || changed {
		t.Errorf("saving the same table again = %v, %v; want unchanged", changed, err)
	}
	fix := rateTable("2026-11-25", "90.3")
	fix.Rates = fix.Rates[1:] // JPY dropped
	fix.Note = "corrected"
	if changed, err := rs.SaveRates(ctx, fix, time.Now()); err != nil || !changed {
		t.Fatalf("replacing = %v, %v", changed, err)
	}
	got, err := rs.RatesOn(ctx, "cbr", day("2026-11-26"))
	if err != nil {
		t.Fatal(err)
	}
	if !got.Date.Equal(day("2026-11-25")) || got.Note != "corrected" || len(got.Rates) != 1 || got.Rates[0].PerUnit.Cmp(big.NewRat(903, 10)) != 0 {
		t.Errorf("RatesOn(26th) = %+v, want the corrected table of the 25th", got)
	}

	got, err = rs.RatesOn(ctx, "cbr", day("2030-01-01"))
	if err != nil {
		t.Fatal(err)
	}
	want := rateTable("2026-11-27", "91.0001")
	if !dateline.SameRates(got, want) || got.Base != "RUB" || !got.FetchedAt.Equal(base) {
		t.Errorf("RatesOn(latest) = %+v, want %+v", got, want)
	}
	// Exact, not a float: 99.4486/100 comes back as the same fraction.
	if jpy := got.Rates[0]; jpy.Code != "JPY" || jpy.PerUnit.Cmp(big.NewRat(994486, 1000000)) != 0 || jpy.Nominal != 100 || jpy.Published != "99,4486" || jpy.Name != "Японских иен" {
		t.Errorf("JPY = %+v", jpy)
	}
	if _, err := rs.RatesOn(ctx, "cbr", day("2026-11-23")); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("RatesOn before the first = %v, want ENOTFOUND", err)
	}
	if _, err := rs.RatesOn(ctx, "ecb", day("2026-11-27")); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("RatesOn of another source = %v, want ENOTFOUND", err)
	}

	ecb := &dateline.RateTable{Source: "ecb", Base: "EUR", Date: day("2026-11-26"), FetchedAt: base, Rates: []dateline.CurrencyRate{
		{Code: "USD", Nominal: 1, Published: "1.1252", PerUnit: big.NewRat(2500, 2813)},
	}}
	if _, err := rs.SaveRates(ctx, ecb, time.Now()); err != nil {
		t.Fatal(err)
	}
	ds, err := rs.RateDates(ctx, "cbr", 2)
	if err != nil || len(ds) != 2 || !ds[0].Equal(day("2026-11-27")) || !ds[1].Equal(day("2026-11-25")) {
		t.Errorf("RateDates(cbr, 2) = %v, %v", ds, err)
	}
	ss, err := rs.RateSources(ctx)
	wantSS := []dateline.RateSource{
		{Source: "cbr", Base: "RUB", First: day("2026-11-24"), Latest: day("2026-11-27")},
		{Source: "ecb", Base: "EUR", First: day("2026-11-26"), Latest: day("2026-11-26")},
	}
	if err != nil || len(ss) != 2 {
		t.Fatalf("RateSources = %v, %v", ss, err)
	}
	for i := range ss {
		if ss[i].Source != wantSS[i].Source || ss[i].Base != wantSS[i].Base || !ss[i].First.Equal(wantSS[i].First) || !ss[i].Latest.Equal(wantSS[i].Latest) {
			t.Errorf("RateSources[%d] = %+v, want %+v", i, ss[i], wantSS[i])
		}
	}

	h, err := rs.RateHistory(ctx, "cbr", "USD", day("2026-11-25"), day("2026-11-27"))
	if err != nil || len(h) != 2 {
		t.Fatalf("RateHistory = %v, %v", h, err)
	}
	if !h[0].Date.Equal(day("2026-11-25")) || h[0].PerUnit.Cmp(big.NewRat(903, 10)) != 0 || h[0].Note != "corrected" || h[1].Note != "" ||
		!h[1].Date.Equal(day("2026-11-27")) || h[1].PerUnit.Cmp(big.NewRat(910001, 10000)) != 0 {
		t.Errorf("RateHistory = %+v", h)
	}
	// JPY is missing from the corrected 25th.
	if h, err := rs.RateHistory(ctx, "cbr", "JPY", day("2026-11-01"), day("2026-11-30")); err != nil || len(h) != 2 {
		t.Errorf("JPY history = %v, %v; want the 24th and the 27th", h, err)
	}
	if h, err := rs.RateHistory(ctx, "cbr", "XXX", day("2026-11-01"), day("2026-11-30")); err != nil || len(h) != 0 {
		t.Errorf("unknown currency history = %v, %v; want empty", h, err)
	}
}
