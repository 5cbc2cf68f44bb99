package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// rateStore is dateline.Rates.
type rateStore struct{ *DB }

var _ dateline.Rates = (*DB)(nil)

// SaveRates stores a table, replacing the one of the same source and date,
// and reports whether anything changed. Nodes fetching the same file at
// once are safe: the upsert's row lock orders them, and the later one
// finds nothing to change or replaces the rows with the same. Returns
// EINVALID.
func (db rateStore) SaveRates(ctx context.Context, t *dateline.RateTable, now time.Time) (changed bool, err error) {
	defer wrap(&err, "save rates")
	if err := t.Validate(); err != nil {
		return false, err
	}
	day := t.Date.Format(dateline.RateDay)
	if old, err := ratesOn(ctx, db.primary, `t.source = $1 AND t.day = $2`, t.Source, day); err == nil && dateline.SameRates(old, t) {
		return false, nil
	} else if err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND {
		return false, err
	}
	fetched := t.FetchedAt
	if fetched.IsZero() {
		fetched = now
	}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO rate_tables (source, day, base, note, fetched_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (source, day) DO UPDATE SET base = excluded.base, note = excluded.note, fetched_at = excluded.fetched_at
			RETURNING id`, t.Source, day, t.Base, t.Note, fetched.UTC().Truncate(time.Second)).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM rates WHERE table_id = $1`, id); err != nil {
			return err
		}
		b := &pgx.Batch{}
		for _, r := range t.Rates {
			b.Queue(`INSERT INTO rates (table_id, code, name, nominal, published, per_unit) VALUES ($1, $2, $3, $4, $5, $6)`,
				id, r.Code, r.Name, r.Nominal, r.Published, r.PerUnit.RatString())
		}
		return tx.SendBatch(ctx, b).Close()
	})
	return err == nil, err
}

// RatesOn returns the source's newest table on or before date. Returns
// ENOTFOUND.
func (db rateStore) RatesOn(ctx context.Context, source string, date time.Time) (_ *dateline.RateTable, err error) {
	defer wrap(&err, "rates on")
	return ratesOn(ctx, db.reader(ctx), `t.source = $1 AND t.day <= $2`, source, date.Format(dateline.RateDay))
}

func ratesOn(ctx context.Context, q querier, where string, args ...any) (*dateline.RateTable, error) {
	var t dateline.RateTable
	var id int64
	var day string
	err := q.QueryRow(ctx, `SELECT t.id, t.source, t.day, t.base, t.note, t.fetched_at FROM rate_tables t
		WHERE `+where+` ORDER BY t.day DESC LIMIT 1`, args...).Scan(&id, &t.Source, &day, &t.Base, &t.Note, &t.FetchedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No rates of %s on or before that date.", args[0])
	} else if err != nil {
		return nil, err
	}
	if t.Date, err = time.Parse(dateline.RateDay, day); err != nil {
		return nil, err
	}
	t.FetchedAt = t.FetchedAt.UTC()
	rows, err := q.Query(ctx, `SELECT code, name, nominal, published, per_unit FROM rates WHERE table_id = $1 ORDER BY code`, id)
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
	rows, err := db.reader(ctx).Query(ctx, `SELECT day FROM rate_tables WHERE source = $1 ORDER BY day DESC LIMIT $2`, source, sqlutil.LimitOr(limit, 100, 10000))
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
	rows, err := db.reader(ctx).Query(ctx, `SELECT source, MIN(day), MAX(day),
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
	rows, err := db.reader(ctx).Query(ctx, `SELECT t.day, r.per_unit, t.note FROM rate_tables t JOIN rates r ON r.table_id = t.id
		WHERE t.source = $1 AND t.day >= $2 AND t.day <= $3 AND r.code = $4 ORDER BY t.day`,
		source, from.Format(dateline.RateDay), to.Format(dateline.RateDay), code)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.RatePoint{}, sqlutil.ScanRatePoint)
}
