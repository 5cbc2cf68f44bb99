package dateline

import (
	"context"
	"fmt"
	"math/big"
	"time"
)

// RateTable is one day's official exchange rates from one source, as
// stored: package rates parses and converts them, engines keep them.
type RateTable struct {
	Source    string    // "cbr" (Bank of Russia) or "ecb"
	Base      string    // the currency every rate is against: RUB or EUR
	Date      time.Time // the civil date of the rates, at UTC midnight
	FetchedAt time.Time // when this node stored them
	// Note is shown beside the rates when set: the demo marks its made-up
	// history with it. Official tables have none.
	Note  string
	Rates []CurrencyRate // in code order
}

// CurrencyRate is the rate of one currency against its table's base.
type CurrencyRate struct {
	Code      string // ISO 4217
	Name      string // the source's name for it
	Nominal   int64  // units the published figure is for (100 for JPY at the Bank of Russia)
	Published string // the figure as printed by the source
	// PerUnit is units of the base per one unit of the currency, exact:
	// engines keep it as text ("1151963/10000"), never as a float.
	PerUnit *big.Rat
}

// RatePoint is one day of a currency's history.
type RatePoint struct {
	Date    time.Time
	PerUnit *big.Rat // units of the table's base per one unit
	Note    string   // the table's note (demo figures are marked)
}

// Rates stores daily rate tables by source and date. Both engines
// implement it.
type Rates interface {
	// SaveRates stores a table in one transaction, replacing the table of
	// the same source and date. It reports whether anything changed:
	// storing the same table again (another node, the next hourly fetch)
	// writes nothing. Returns EINVALID for a table without a source, date
	// or rates.
	SaveRates(ctx context.Context, t *RateTable, now time.Time) (changed bool, err error)
	// RatesOn returns the source's newest table dated on or before date.
	// Returns ENOTFOUND when there is none.
	RatesOn(ctx context.Context, source string, date time.Time) (*RateTable, error)
	// RateDates lists the source's dates, newest first, at most limit.
	RateDates(ctx context.Context, source string, limit int) ([]time.Time, error)
	// RateSources lists the sources that have tables, each with its
	// newest date, in source order.
	RateSources(ctx context.Context) ([]RateSource, error)
	// RateHistory returns one currency's rates against the source's base
	// on the days from from to to (both included) that have one, oldest
	// first.
	RateHistory(ctx context.Context, source, code string, from, to time.Time) ([]RatePoint, error)
}

// RateSource is a source with stored tables.
type RateSource struct {
	Source string
	Base   string
	First  time.Time // its oldest date
	Latest time.Time // its newest date
}

// Validate checks what every engine relies on. Returns EINVALID.
func (t *RateTable) Validate() error {
	if t.Source == "" || len(t.Source) > 20 || len(t.Base) != 3 {
		return Errorf(EINVALID, "A rates table needs a source and a three-letter base currency.")
	}
	if t.Date.IsZero() || t.Date.Year() < 1900 || t.Date.Year() > 9999 {
		return Errorf(EINVALID, "A rates table needs a date.")
	}
	if len(t.Rates) == 0 {
		return Errorf(EINVALID, "The %s table of %s has no rates.", t.Source, t.Date.Format(time.DateOnly))
	}
	for _, r := range t.Rates {
		if len(r.Code) != 3 || r.PerUnit == nil || r.PerUnit.Sign() <= 0 || r.Nominal <= 0 {
			return Errorf(EINVALID, "The %s table of %s has a bad rate for %q.", t.Source, t.Date.Format(time.DateOnly), r.Code)
		}
	}
	return nil
}

// SameRates reports whether two tables hold the same rates, base and note
// (the fetch time aside).
func SameRates(a, b *RateTable) bool {
	if a.Source != b.Source || a.Base != b.Base || !a.Date.Equal(b.Date) || a.Note != b.Note || len(a.Rates) != len(b.Rates) {
		return false
	}
	for i := range a.Rates {
		x, y := a.Rates[i], b.Rates[i]
		if x.Code != y.Code || x.Name != y.Name || x.Nominal != y.Nominal || x.Published != y.Published || x.PerUnit.Cmp(y.PerUnit) != 0 {
			return false
		}
	}
	return true
}

// RateDay is the date layout engines store a table's date in.
const RateDay = time.DateOnly

// ParseStoredRate reads a rate as engines store it, an exact fraction
// ("1151963/10000") or integer.
func ParseStoredRate(s string) (*big.Rat, error) {
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return nil, fmt.Errorf("stored rate %q is not a positive number", s)
	}
	return r, nil
}
