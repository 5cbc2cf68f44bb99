package postgres

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
)

// transferStore is dateline.Transfer.
type transferStore struct{ *DB }

var _ dateline.Transfer = (*DB)(nil)

// MaxKey returns the largest first-column value of the table, or 0.
func (db transferStore) MaxKey(ctx context.Context, t dateline.Table) (_ int64, err error) {
	return maxKey(ctx, db.primary, t)
}

func maxKey(ctx context.Context, q rowsQuerier, t dateline.Table) (_ int64, err error) {
	defer wrap(&err, "max key")
	var n *int64
	err = q.QueryRow(ctx, `SELECT MAX(`+t.Columns[0]+`)::bigint FROM `+t.Name).Scan(&n)
	if n == nil {
		return 0, err
	}
	return *n, err
}

// CountRows counts the table's rows.
func (db transferStore) CountRows(ctx context.Context, t dateline.Table) (_ int64, err error) {
	return countRows(ctx, db.primary, t)
}

func countRows(ctx context.Context, q rowsQuerier, t dateline.Table) (_ int64, err error) {
	defer wrap(&err, "count rows")
	var n int64
	err = q.QueryRow(ctx, `SELECT COUNT(*) FROM `+t.Name).Scan(&n)
	return n, err
}

// ReadRows returns rows with keys in (after, upTo] in the engine-neutral form.
func (db transferStore) ReadRows(ctx context.Context, t dateline.Table, after, upTo int64) (_ [][]any, err error) {
	return readRows(ctx, db.primary, t, after, upTo)
}

// rowsQuerier is what the reads of a transfer need: the pool, or one
// transaction.
type rowsQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func readRows(ctx context.Context, q rowsQuerier, t dateline.Table, after, upTo int64) (_ [][]any, err error) {
	defer wrap(&err, "read rows")
	cols := strings.Join(t.Columns, ", ")
	rows, err := q.Query(ctx, `SELECT `+cols+` FROM `+t.Name+` WHERE `+t.Columns[0]+` > $1 AND `+t.Columns[0]+` <= $2 ORDER BY `+cols, after, upTo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			switch x := v.(type) {
			case int32:
				vals[i] = int64(x)
			case int16:
				vals[i] = int64(x)
			case time.Time:
				vals[i] = x.UTC()
			}
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

// WriteRows inserts rows with their keys, in one transaction.
func (db transferStore) WriteRows(ctx context.Context, t dateline.Table, rows [][]any) (err error) {
	defer wrap(&err, "write rows")
	var ph []string
	for i := range t.Columns {
		ph = append(ph, "$"+strconv.Itoa(i+1))
	}
	q := `INSERT INTO ` + t.Name + ` (` + strings.Join(t.Columns, ", ") + `) VALUES (` + strings.Join(ph, ", ") + `)`
	return pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		for _, r := range rows {
			b.Queue(q, r...)
		}
		return tx.SendBatch(ctx, b).Close()
	})
}

// FinishTransfer moves every identity sequence past the largest key, so
// new rows do not collide with moved ones, builds the tag and search
// indexes of the moved articles, gathers the planner's statistics, and
// tells the nodes.
func (db transferStore) FinishTransfer(ctx context.Context) (err error) {
	defer wrap(&err, "finish transfer")
	for _, t := range dateline.Tables {
		if t.Columns[0] != "id" {
			continue
		}
		_, err := db.primary.Exec(ctx, `SELECT setval(pg_get_serial_sequence('`+t.Name+`', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM `+t.Name)
		if err != nil {
			return err
		}
	}
	if err := db.rebuildTags(ctx); err != nil {
		return err
	}
	if err := db.Reindex(ctx); err != nil {
		return err
	}
	// Gather the planner's statistics now: until autovacuum gets to the
	// new tables the planner guesses, and at a million stories a client's
	// list took 40-55 ms a page instead of 9.
	if _, err := db.primary.Exec(ctx, `ANALYZE`); err != nil {
		return err
	}
	db.announce(ctx, false)
	return nil
}
