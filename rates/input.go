package rates

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"dateline"
)

// Sources' names as readers see them.
var sourceNames = map[string]string{
	SourceCBR: "Bank of Russia",
	SourceECB: "European Central Bank",
}

// SourceName is the source's name ("Bank of Russia"), or the source
// itself when it is not known.
func SourceName(source string) string {
	if n, ok := sourceNames[source]; ok {
		return n
	}
	return source
}

// Rounding states how converted figures are rounded, for the API and the
// page.
const Rounding = "Computed from the exact published rates; results rounded half away from zero to 2 decimals, rates to 4."

// Record is the table as engines store it, fetched at the time given.
func (t *Table) Record(fetched time.Time) *dateline.RateTable {
	r := &dateline.RateTable{Source: t.Source, Base: t.Base, Date: t.Date, FetchedAt: fetched.UTC()}
	for _, code := range t.Codes() {
		x := t.Rates[code]
		r.Rates = append(r.Rates, dateline.CurrencyRate{Code: x.Code, Name: x.Name, Nominal: x.Nominal, Published: x.Published,
			PerUnit: new(big.Rat).Set(x.PerUnit)})
	}
	return r
}

// FromRecord makes a Table of a stored one.
func FromRecord(r *dateline.RateTable) *Table {
	t := &Table{Source: r.Source, Base: r.Base, Date: r.Date, Rates: make(map[string]Rate, len(r.Rates))}
	for _, x := range r.Rates {
		t.Rates[x.Code] = Rate{Code: x.Code, Name: x.Name, Nominal: x.Nominal, Published: x.Published, PerUnit: x.PerUnit}
	}
	return t
}

// Codes lists the table's currencies (not its base) in code order.
func (t *Table) Codes() []string {
	codes := make([]string, 0, len(t.Rates))
	for c := range t.Rates {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// Limits of an amount a reader may ask to convert.
const (
	MaxIntDigits  = 15 // up to 999 trillion
	MaxFracDigits = 8
)

// ParseAmount reads an amount as a reader types it: digits with at most
// one decimal point or comma ("100", "1234.56", "0,5"), spaces between
// digit groups allowed ("1 000 000"). It returns an *Error with code
// dateline.EINVALID for anything else: empty, negative, signs, exponents,
// letters, more than MaxIntDigits before the point or MaxFracDigits after.
func ParseAmount(s string) (*big.Rat, error) {
	if len(s) > 64 {
		return nil, errorf(dateline.EINVALID, "the amount is too long: at most %d digits before the decimal point and %d after", MaxIntDigits, MaxFracDigits)
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errorf(dateline.EINVALID, "give an amount, such as 100 or 1234.56")
	}
	if s[0] == '-' || strings.HasPrefix(s, "−") {
		return nil, errorf(dateline.EINVALID, "the amount must not be negative")
	}
	var intPart, frac strings.Builder
	seenSep, lastDigit := false, false
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			if seenSep {
				frac.WriteRune(c)
			} else {
				intPart.WriteRune(c)
			}
			lastDigit = true
		case (c == ' ' || c == '\u00a0' || c == '\u202f') && !seenSep && lastDigit:
			// a group separator: "1 000"
			lastDigit = false
		case (c == '.' || c == ',') && !seenSep && intPart.Len() > 0 && lastDigit:
			seenSep, lastDigit = true, false
		default:
			return nil, errorf(dateline.EINVALID, "the amount %q is not a number such as 100 or 1234.56", clip(s))
		}
	}
	if !lastDigit {
		return nil, errorf(dateline.EINVALID, "the amount %q is not a number such as 100 or 1234.56", clip(s))
	}
	digits := strings.TrimLeft(intPart.String(), "0")
	if len(digits) > MaxIntDigits || frac.Len() > MaxFracDigits {
		return nil, errorf(dateline.EINVALID, "the amount is too large or too precise: at most %d digits before the decimal point and %d after", MaxIntDigits, MaxFracDigits)
	}
	r, ok := new(big.Rat).SetString(intPart.String() + "." + frac.String() + "0")
	if !ok {
		return nil, errorf(dateline.EINVALID, "the amount %q is not a number such as 100 or 1234.56", clip(s))
	}
	return r, nil
}

// ParseDay reads a date as YYYY-MM-DD (what <input type="date"> sends),
// between 1900 and 9999. It returns an *Error with code dateline.EINVALID.
func ParseDay(s string) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != 10 || d.Year() < 1900 {
		return time.Time{}, errorf(dateline.EINVALID, "the date %q is not a date such as 2026-11-27", clip(s))
	}
	return d, nil
}

// ParseCode reads a currency code, in either case. It returns an *Error
// with code dateline.EINVALID.
func ParseCode(s string) (string, error) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if !validCode(c) {
		return "", errorf(dateline.EINVALID, "bad currency code %q: want 3 letters such as USD", clip(s))
	}
	return c, nil
}
