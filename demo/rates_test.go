package demo

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"dateline/rates"
	"dateline/sqlite"
)

// TestLoadRates: the official files are stored as they are, on their own
// dates, after a marked made-up history that ends at their figures.
func TestLoadRates(t *testing.T) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	if err := loadRates(ctx, store, now); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		source, date, usd string
		min               int
	}{
		{rates.SourceCBR, "2022-03-15", "115,1963", 80},
		{rates.SourceECB, "2025-05-09", "1.1252", 80},
	} {
		day, _ := time.Parse(time.DateOnly, tc.date)
		latest, err := store.RatesOn(ctx, tc.source, day.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		if !latest.Date.Equal(day) || latest.Note != "" {
			t.Errorf("%s: newest %v with note %q, want the official %s", tc.source, latest.Date, latest.Note, tc.date)
		}
		for _, r := range latest.Rates {
			if r.Code == "USD" && r.Published != tc.usd {
				t.Errorf("%s: USD published %q, want %q", tc.source, r.Published, tc.usd)
			}
		}
		before, err := store.RatesOn(ctx, tc.source, day.AddDate(0, 0, -1))
		if err != nil || before.Note != HistoryNote || len(before.Rates) != len(latest.Rates) {
			t.Errorf("%s: the day before = %+v, %v", tc.source, before, err)
		}
		hist, err := store.RateHistory(ctx, tc.source, "USD", day.AddDate(0, 0, -historyDays), day)
		if err != nil || len(hist) < tc.min {
			t.Fatalf("%s: %d days of history, %v", tc.source, len(hist), err)
		}
		// A day's move stays within 0.6% (and the rounding).
		for i := 1; i < len(hist); i++ {
			a, _ := hist[i-1].PerUnit.Float64()
			b, _ := hist[i].PerUnit.Float64()
			if r := b / a; r < 0.97 || r > 1.03 {
				t.Errorf("%s: %v → %v moves by %.3f", tc.source, hist[i-1].Date, hist[i].Date, r)
			}
			if wd := hist[i].Date.Weekday(); !publishes(tc.source, wd) {
				t.Errorf("%s: a table on a %s", tc.source, wd)
			}
		}
	}
	// Loading twice (a restart with --demo on a site being set up) changes nothing.
	if err := loadRates(ctx, store, now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
}
