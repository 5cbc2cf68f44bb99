package demo

import (
	"context"
	"embed"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"time"

	"dateline"
	"dateline/rates"
)

//go:embed rates/*.xml
var ratesFS embed.FS

// HistoryNote marks the demo's made-up rate tables.
const HistoryNote = "Demo figures, not official rates: made up from the official file of the last day so that the chart has a line."

// historyDays is how many calendar days of made-up history go before each
// official file.
const historyDays = 120

// loadRates stores the official Bank of Russia and ECB files on their dates and
// a made-up history before each: a fixed random walk back from the official
// figures, on the days each source publishes.
func loadRates(ctx context.Context, rs rates.Store, now time.Time) error {
	files, err := ratesFS.ReadDir("rates")
	if err != nil {
		return err
	}
	for _, f := range files {
		data, err := ratesFS.ReadFile("rates/" + f.Name())
		if err != nil {
			return err
		}
		official, err := rates.Parse(data)
		if err != nil {
			return fmt.Errorf("demo: rates %s: %w", f.Name(), err)
		}
		for _, t := range history(official, now) {
			if _, err := rs.SaveRates(ctx, t, time.Now()); err != nil {
				return fmt.Errorf("demo: rates %s: %w", t.Date.Format(time.DateOnly), err)
			}
		}
		if _, err := rs.SaveRates(ctx, official.Record(now), time.Now()); err != nil {
			return fmt.Errorf("demo: rates %s: %w", f.Name(), err)
		}
	}
	return nil
}

// history makes the tables of the historyDays before official's date, oldest
// first. Each currency's published figure moves by up to ±0.6% a day;
// the walk is seeded by the source, so every demo has the same figures.
func history(official *rates.Table, now time.Time) []*dateline.RateTable {
	rnd := rand.New(rand.NewPCG(uint64(len(official.Source)), uint64(official.Date.Unix())))
	codes := official.Record(now).Rates
	factor := make([]float64, len(codes))
	for i := range factor {
		factor[i] = 1
	}
	var out []*dateline.RateTable
	for back := 1; back <= historyDays; back++ {
		day := official.Date.AddDate(0, 0, -back)
		for i := range factor {
			factor[i] *= 1 + (rnd.Float64()-0.5)*0.012
		}
		if !publishes(official.Source, day.Weekday()) {
			continue
		}
		t := &dateline.RateTable{Source: official.Source, Base: official.Base, Date: day, FetchedAt: now.UTC(), Note: HistoryNote}
		for i, c := range codes {
			t.Rates = append(t.Rates, moved(official.Source, c, factor[i]))
		}
		out = append(out, t)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// publishes reports whether the source publishes rates dated that
// weekday: the Bank of Russia dates Tuesday to Saturday, the ECB Monday
// to Friday.
func publishes(source string, d time.Weekday) bool {
	if source == rates.SourceCBR {
		return d != time.Sunday && d != time.Monday
	}
	return d != time.Saturday && d != time.Sunday
}

// moved is c with its published figure times f, written as the source
// writes it (4 decimals; a comma for the Bank of Russia).
func moved(source string, c dateline.CurrencyRate, f float64) dateline.CurrencyRate {
	sep := "."
	if source == rates.SourceCBR {
		sep = ","
	}
	pub, _ := new(big.Rat).SetString(strings.Replace(c.Published, ",", ".", 1))
	pub.Mul(pub, new(big.Rat).SetFloat64(f))
	s := rates.Round(pub, 4)
	if s == "0.0000" {
		s = "0.0001"
	}
	v, _ := new(big.Rat).SetString(s)
	per := new(big.Rat).Quo(v, new(big.Rat).SetInt64(c.Nominal))
	if source == rates.SourceECB {
		per = new(big.Rat).Inv(v)
	}
	c.Published = strings.Replace(s, ".", sep, 1)
	c.PerUnit = per
	return c
}
