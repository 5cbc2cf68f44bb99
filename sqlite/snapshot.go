package sqlite

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strconv"
	"time"

	"dateline"
)

// openReadOnly opens the file at path for reading only, on one
// connection, without migrating it: for copying and counting a database
// that may belong to another version of dateline, or to a running node.
func openReadOnly(path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.Itoa(int(busyWait/time.Millisecond))+")")
	q.Set("mode", "ro")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// SnapshotFile writes a consistent copy of the database file src to a new
// file dst with VACUUM INTO: the copy is the database as one read
// transaction sees it, while the nodes go on writing.
func SnapshotFile(ctx context.Context, src, dst string) (err error) {
	defer wrap(&err, "snapshot")
	if _, err := os.Stat(dst); err == nil {
		return os.ErrExist
	}
	db, err := openReadOnly(src)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dst)
	return err
}

// CountFile counts the rows of each table of the database file at path,
// in one read transaction, without migrating it. A file that is not an
// SQLite database, or lacks a table, is an error.
func CountFile(ctx context.Context, path string) (_ map[string]int64, err error) {
	defer wrap(&err, "count")
	db, err := openReadOnly(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	out := map[string]int64{}
	for _, t := range dateline.Tables {
		var n int64
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t.Name).Scan(&n); err != nil {
			return nil, err
		}
		out[t.Name] = n
	}
	return out, nil
}
