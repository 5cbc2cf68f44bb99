package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"dateline"
)

// transferStore is dateline.Transfer.
type transferStore struct{ *DB }

var _ dateline.Transfer = (*DB)(nil)

// MaxKey returns the largest first-column value of the table, or 0.
func (db transferStore) MaxKey(ctx context.Context, t dateline.Table) (_ int64, err error) {
	defer wrap(&err, "max key")
	var n sql.NullInt64
	err = db.read.QueryRowContext(ctx, `SELECT MAX(`+t.Columns[0]+`) FROM `+t.Name).Scan(&n)
	return n.Int64, err
}

// CountRows counts the table's rows.
func (db transferStore) CountRows(ctx context.Context, t dateline.Table) (_ int64, err error) {
	defer wrap(&err, "count rows")
	var n int64
	err = db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.Name).Scan(&n)
	return n, err
}

// ReadRows returns rows with keys in (after, upTo] in the engine-neutral form.
func (db transferStore) ReadRows(ctx context.Context, t dateline.Table, after, upTo int64) (_ [][]any, err error) {
	defer wrap(&err, "read rows")
	cols := strings.Join(t.Columns, ", ")
	rows, err := db.read.QueryContext(ctx, `SELECT `+cols+` FROM `+t.Name+` WHERE `+t.Columns[0]+` > ? AND `+t.Columns[0]+` <= ? ORDER BY `+cols, after, upTo)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(t.Columns))
		ptrs := make([]any, len(vals))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, c := range t.Columns {
			vals[i] = neutral(t, c, vals[i])
		}
		out = append(out, vals)
	}
	return out, rows.Err()
}

func neutral(t dateline.Table, c string, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case int64:
		switch {
		case dateline.Has(t.Seconds, c):
			return time.Unix(x, 0).UTC()
		case dateline.Has(t.Millis, c):
			return time.UnixMilli(x).UTC()
		case dateline.Has(t.Bools, c):
			return x != 0
		}
		return x
	case []byte:
		if c == "hash" || c == "feed_key" || t.Name == "push_items" && c == "body" { // the binary columns
			return x
		}
		return string(x)
	}
	return v
}

// WriteRows inserts rows with their keys, in one transaction.
func (db transferStore) WriteRows(ctx context.Context, t dateline.Table, rows [][]any) (err error) {
	defer wrap(&err, "write rows")
	q := `INSERT INTO ` + t.Name + ` (` + strings.Join(t.Columns, ", ") + `) VALUES (` + placeholders(len(t.Columns)) + `)`
	return db.inTx(ctx, func(tx *sql.Tx) error {
		stmt, err := tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		args := make([]any, len(t.Columns))
		for _, r := range rows {
			if len(r) != len(t.Columns) {
				return fmt.Errorf("%s: row of %d values, want %d", t.Name, len(r), len(t.Columns))
			}
			for i, c := range t.Columns {
				args[i] = native(t, c, r[i])
			}
			if _, err := stmt.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func native(t dateline.Table, c string, v any) any {
	switch x := v.(type) {
	case time.Time:
		if dateline.Has(t.Millis, c) {
			return x.UnixMilli()
		}
		return x.Unix()
	case bool:
		if x {
			return int64(1)
		}
		return int64(0)
	}
	return v
}

// FinishTransfer builds the tag and search indexes of the moved articles
// (SQLite takes new keys after the largest by itself).
func (db transferStore) FinishTransfer(ctx context.Context) (err error) {
	defer wrap(&err, "finish transfer")
	if err := db.rebuildTags(ctx); err != nil {
		return err
	}
	return db.Reindex(ctx)
}
