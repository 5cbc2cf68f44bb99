package postgres

import (
	"context"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"dateline"
)

// Snapshot is a read-only dateline.Transfer whose reads all see one
// snapshot of the database (a REPEATABLE READ transaction), so a site can
// be copied out consistently while the nodes go on writing. Close ends it.
type Snapshot struct {
	tx pgx.Tx
}

var _ dateline.Transfer = (*Snapshot)(nil)

// Snapshot begins a read-only REPEATABLE READ transaction on the primary.
func (db *DB) Snapshot(ctx context.Context) (_ *Snapshot, err error) {
	defer wrap(&err, "snapshot")
	tx, err := db.primary.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	return &Snapshot{tx: tx}, nil
}

// Close ends the snapshot's transaction.
func (s *Snapshot) Close(ctx context.Context) error { return s.tx.Rollback(ctx) }

// MaxKey returns the largest first-column value of the table, or 0.
func (s *Snapshot) MaxKey(ctx context.Context, t dateline.Table) (int64, error) {
	return maxKey(ctx, s.tx, t)
}

// CountRows counts the table's rows.
func (s *Snapshot) CountRows(ctx context.Context, t dateline.Table) (int64, error) {
	return countRows(ctx, s.tx, t)
}

// ReadRows returns rows with keys in (after, upTo] in the engine-neutral form.
func (s *Snapshot) ReadRows(ctx context.Context, t dateline.Table, after, upTo int64) ([][]any, error) {
	return readRows(ctx, s.tx, t, after, upTo)
}

var errReadOnly = errors.New("postgres: a snapshot is read-only")

// WriteRows refuses: a snapshot is read-only.
func (s *Snapshot) WriteRows(context.Context, dateline.Table, [][]any) error { return errReadOnly }

// FinishTransfer refuses: a snapshot is read-only.
func (s *Snapshot) FinishTransfer(context.Context) error { return errReadOnly }

// EmptyTables removes every row of the site's tables in one statement: it
// undoes a restore that failed midway into a database that was empty.
func (db *DB) EmptyTables(ctx context.Context) (err error) {
	defer wrap(&err, "empty tables")
	names := make([]string, len(dateline.Tables))
	for i, t := range dateline.Tables {
		names[i] = t.Name
	}
	_, err = db.primary.Exec(ctx, `TRUNCATE `+strings.Join(names, ", ")+` CASCADE`)
	return err
}
