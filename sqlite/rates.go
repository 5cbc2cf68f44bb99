package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// rateStore is dateline.Rates.
type rateStore struct{ *DB }

var _ dateline.Rates = (*DB)(nil)

// SaveRates stores a table, replacing the one of the same source and date,
// and reports whether anything changed. Returns EINVALID.
func (db rateStore) SaveRates(ctx context.Context, t *dateline.RateTable, now time.Time) (changed bool, err error) {
	defer wrap(&err, "save rates")
	if err := t.Validate(); err != nil {
		return false, err
	}
	day := t.Date.Format(dateline.RateDay)
	if old, err := db.ratesOn(ctx, db.read, `t.source = ? AND t.day = ?`, t.Source, day); err == nil && dateline.SameRates(old, t) {
		return false, nil
	} else if err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND {
		return false, err
	}
	fetched := t.FetchedAt
	if fetched.IsZero() {
		fetched = now
	}
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO rate_tables (source, day, base, note, fetched_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source, day) DO UPDATE SET base = excluded.base, note = excluded.note, fetched_at = excluded.fetched_at
			RETURNING id`, t.Source, day, t.Base, t.Note, fetched.Unix()).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM rates WHERE table_id = ?`, id); err != nil {
			return err
		}
		for _, r := range t.Rates {
			if _, err := tx.ExecContext(ctx, `INSERT INTO rates (table_id, code, name, nominal, published, per_unit) VALUES (?, ?, ?, ?, ?, ?)`,
				id, r.Code, r.Name, r.Nominal, r.Published, r.PerUnit.RatString()); err != nil {
				return err
			}
		}
		return nil
	})
	return err == nil, err
}

// RatesOn returns the source's newest table on or before date. Returns
// ENOTFOUND.
func (db rateStore) RatesOn(ctx context.Context, source string, date time.Time) (_ *dateline.RateTable, err error) {
	defer wrap(&err, "rates on")
	return db.ratesOn(ctx, db.read, `t.source = ? AND t.day <= ?`, source, date.Format(dateline.RateDay))
}

func (db rateStore) ratesOn(ctx context.Context, q queryer, where string, args ...any) (*dateline.RateTable, error) {
	var t dateline.RateTable
	var id, fetched int64
	var day string
	err := q.QueryRowContext(ctx, `SELECT t.id, t.source, t.day, t.base, t.note, t.fetched_at FROM rate_tables t
		WHERE `+where+` ORDER BY t.day DESC LIMIT 1`, args...).Scan(&id, &t.Source, &day, &t.Base, &t.Note, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No rates of %s on or before that date.", args[0])
	} else if err != nil {
		return nil, err
	}
	if t.Date, err = time.Parse(dateline.RateDay, day); err != nil {
		return nil, err
	}
	t.FetchedAt = time.Unix(fetched, 0).UTC()
	rows, err := q.QueryContext(ctx, `SELECT code, name, nominal, published, per_unit FROM rates WHERE table_id = ? ORDER BY code`, id)
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
func (db rateStore) RateDates(ctx context.Context, source string, limit int) (_ []time.Time, err error) {
	defer wrap(&err, "rate dates")
	rows, err := db.read.QueryContext(ctx, `SELECT day FROM rate_tables WHERE source = ? ORDER BY day DESC LIMIT ?`, source, sqlutil.LimitOr(limit, 100, 10000))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []time.Time{}, sqlutil.ScanRateDay)
}

// RateSources lists the sources with tables and their first and newest
// dates.
func (db rateStore) RateSources(ctx context.Context) (_ []dateline.RateSource, err error) {
	defer wrap(&err, "rate sources")
	rows, err := db.read.QueryContext(ctx, `SELECT source, MIN(day), MAX(day),
		(SELECT base FROM rate_tables b WHERE b.source = t.source ORDER BY day DESC LIMIT 1)
		FROM rate_tables t GROUP BY source ORDER BY source`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.RateSource{}, sqlutil.ScanRateSource)
}

// RateHistory returns one currency's rates from from to to, oldest first.
func (db rateStore) RateHistory(ctx context.Context, source, code string, from, to time.Time) (_ []dateline.RatePoint, err error) {
	defer wrap(&err, "rate history")
	rows, err := db.read.QueryContext(ctx, `SELECT t.day, r.per_unit, t.note FROM rate_tables t JOIN rates r ON r.table_id = t.id
		WHERE t.source = ? AND t.day >= ? AND t.day <= ? AND r.code = ? ORDER BY t.day`,
		source, from.Format(dateline.RateDay), to.Format(dateline.RateDay), code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.RatePoint{}, sqlutil.ScanRatePoint)
}
