package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// rateStore is dateline.Rates.
type rateStore struct{ db *DB }

// SaveRates stores a table, replacing the one of the same source and date,
// and reports whether anything changed. Nodes fetching the same file at
// once are safe: the upsert's row lock orders them, and the later one
// finds nothing to change or replaces the rows with the same. Returns
// EINVALID.
func (s rateStore) SaveRates(ctx context.Context, t *dateline.RateTable, now time.Time) (changed bool, err error) {
	defer s.db.wrap(&err, "save rates")
	if err := t.Validate(); err != nil {
		return false, err
	}
	day := t.Date.Format(dateline.RateDay)
	if old, err := ratesOn(ctx, s.db.Fresh(ctx), `t.source = ? AND t.day = ?`, t.Source, day); err == nil && dateline.SameRates(old, t) {
		return false, nil
	} else if err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND {
		return false, err
	}
	fetched := t.FetchedAt
	if fetched.IsZero() {
		fetched = now
	}
	err = s.db.Tx(ctx, func(tx Querier) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO rate_tables (source, day, base, note, fetched_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source, day) DO UPDATE SET base = excluded.base, note = excluded.note, fetched_at = excluded.fetched_at
			RETURNING id`, t.Source, day, t.Base, t.Note, s.db.Time(fetched)).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM rates WHERE table_id = ?`, id); err != nil {
			return err
		}
		args := make([][]any, len(t.Rates))
		for i, r := range t.Rates {
			args[i] = []any{id, r.Code, r.Name, r.Nominal, r.Published, r.PerUnit.RatString()}
		}
		return tx.ExecEach(ctx, `INSERT INTO rates (table_id, code, name, nominal, published, per_unit) VALUES (?, ?, ?, ?, ?, ?)`, args)
	})
	return err == nil, err
}

// RatesOn returns the source's newest table on or before date. Returns
// ENOTFOUND.
func (s rateStore) RatesOn(ctx context.Context, source string, date time.Time) (_ *dateline.RateTable, err error) {
	defer s.db.wrap(&err, "rates on")
	return ratesOn(ctx, s.db.Read(ctx), `t.source = ? AND t.day <= ?`, source, date.Format(dateline.RateDay))
}

func ratesOn(ctx context.Context, q Querier, where string, args ...any) (*dateline.RateTable, error) {
	var t dateline.RateTable
	var id int64
	var day string
	var fetched sqlutil.Time
	err := q.QueryRow(ctx, `SELECT t.id, t.source, t.day, t.base, t.note, t.fetched_at FROM rate_tables t
		WHERE `+where+` ORDER BY t.day DESC LIMIT 1`, args...).Scan(&id, &t.Source, &day, &t.Base, &t.Note, &fetched)
	if err != nil {
		return nil, notFound(err, "No rates of %s on or before that date.", args[0])
	}
	if t.Date, err = time.Parse(dateline.RateDay, day); err != nil {
		return nil, err
	}
	t.FetchedAt = fetched.T
	rows, err := q.Query(ctx, `SELECT code, name, nominal, published, per_unit FROM rates WHERE table_id = ? ORDER BY code`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if t.Rates, err = sqlutil.Collect(rows, t.Rates, sqlutil.ScanCurrencyRate); err != nil {
		return nil, err
	}
	return &t, nil
}

// RateDates lists the source's dates, newest first.
func (s rateStore) RateDates(ctx context.Context, source string, limit int) (_ []time.Time, err error) {
	defer s.db.wrap(&err, "rate dates")
	return collect(ctx, s.db.Read(ctx), sqlutil.ScanRateDay, `SELECT day FROM rate_tables WHERE source = ? ORDER BY day DESC LIMIT ?`,
		source, sqlutil.LimitOr(limit, 100, 10000))
}

// RateSources lists the sources with tables and their first and newest
// dates.
func (s rateStore) RateSources(ctx context.Context) (_ []dateline.RateSource, err error) {
	defer s.db.wrap(&err, "rate sources")
	return collect(ctx, s.db.Read(ctx), sqlutil.ScanRateSource, `SELECT source, MIN(day), MAX(day),
		(SELECT base FROM rate_tables b WHERE b.source = t.source ORDER BY day DESC LIMIT 1)
		FROM rate_tables t GROUP BY source ORDER BY source`)
}

// RateHistory returns one currency's rates from from to to, oldest first.
func (s rateStore) RateHistory(ctx context.Context, source, code string, from, to time.Time) (_ []dateline.RatePoint, err error) {
	defer s.db.wrap(&err, "rate history")
	return collect(ctx, s.db.Read(ctx), sqlutil.ScanRatePoint, `SELECT t.day, r.per_unit, t.note FROM rate_tables t JOIN rates r ON r.table_id = t.id
		WHERE t.source = ? AND t.day >= ? AND t.day <= ? AND r.code = ? ORDER BY t.day`,
		source, from.Format(dateline.RateDay), to.Format(dateline.RateDay), code)
}
