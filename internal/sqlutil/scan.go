package sqlutil

import (
	"time"

	"dateline"
)

// The rows both engines select alike, with the same columns in the same
// order and no time kept in an engine's own type, are read here.

// PhotoColumns are the columns ScanPhoto reads, of photos aliased p.
const PhotoColumns = `p.id, COALESCE(p.uri, ''), p.path, p.remote, p.width, p.height, p.widths, p.caption, p.credit, p.alt`

// ScanPhoto reads PhotoColumns, then extra.
func ScanPhoto(row Scanner, extra ...any) (dateline.Photo, error) {
	var p dateline.Photo
	var widths string
	dest := append([]any{&p.ID, &p.URI, &p.Path, &p.Remote, &p.Width, &p.Height, &widths, &p.Caption, &p.Credit, &p.Alt}, extra...)
	err := row.Scan(dest...)
	p.Widths = SplitInts(widths)
	return p, err
}

// ScanPhotoRow is ScanPhoto of a row with no extra columns, for Collect.
func ScanPhotoRow(row Scanner) (dateline.Photo, error) { return ScanPhoto(row) }

// ScanRateDay reads a rate table's day (dateline.RateDay text).
func ScanRateDay(row Scanner) (time.Time, error) {
	var day string
	if err := row.Scan(&day); err != nil {
		return time.Time{}, err
	}
	return time.Parse(dateline.RateDay, day)
}

// ScanCurrencyRate reads code, name, nominal, published, per_unit of
// rates.
func ScanCurrencyRate(row Scanner) (dateline.CurrencyRate, error) {
	var r dateline.CurrencyRate
	var per string
	if err := row.Scan(&r.Code, &r.Name, &r.Nominal, &r.Published, &per); err != nil {
		return r, err
	}
	var err error
	r.PerUnit, err = dateline.ParseStoredRate(per)
	return r, err
}

// ScanRateSource reads a source, its first and newest days and its base.
func ScanRateSource(row Scanner) (dateline.RateSource, error) {
	var s dateline.RateSource
	var first, latest string
	if err := row.Scan(&s.Source, &first, &latest, &s.Base); err != nil {
		return s, err
	}
	var err error
	if s.First, err = time.Parse(dateline.RateDay, first); err != nil {
		return s, err
	}
	s.Latest, err = time.Parse(dateline.RateDay, latest)
	return s, err
}

// ScanRatePoint reads a day, per_unit and note.
func ScanRatePoint(row Scanner) (dateline.RatePoint, error) {
	var p dateline.RatePoint
	var day, per string
	if err := row.Scan(&day, &per, &p.Note); err != nil {
		return p, err
	}
	var err error
	if p.Date, err = time.Parse(dateline.RateDay, day); err != nil {
		return p, err
	}
	p.PerUnit, err = dateline.ParseStoredRate(per)
	return p, err
}
