// Package sqlstore is the driver layer both engines share, and the areas
// of the store whose SQL is the same in both, written once on top of it.
//
// The layer: Querier runs SQL written with ? placeholders on a pool, a
// replica or a transaction of either driver (SQL for database/sql, as
// SQLite uses it; Pgx for pgx, which rebinds ? to $n); Dialect is what an
// engine's SQL and errors differ in (how it stores a time, its constraint
// codes, row locks, case-insensitive LIKE); DB adds where its reads and
// writes go. An engine builds a DB and embeds Stores (New) in its own
// DB, so the areas here are methods of the engine's store like its own.
//
// Only cold paths live here: the newsroom's accounts, revisions, library,
// media and running stories, partners, ads and rates. The hot reads (the article page,
// lists, search) stay in each engine, on its driver directly.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"dateline"
	"dateline/internal/sqlutil"
)

// Querier runs SQL written with ? placeholders. A query that finds no row
// scans sql.ErrNoRows in both drivers (pgx.ErrNoRows wraps it).
type Querier interface {
	Query(ctx context.Context, query string, args ...any) (Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) sqlutil.Scanner
	// Exec returns how many rows the statement changed.
	Exec(ctx context.Context, query string, args ...any) (int64, error)
	// ExecEach runs query once for each list of arguments: in one round
	// trip on pgx (a batch), one statement after another on database/sql.
	ExecEach(ctx context.Context, query string, args [][]any) error
}

// Rows is a result set of either driver. The caller closes it.
type Rows interface {
	sqlutil.Rows
	Close()
}

// sqlConn is what *sql.DB, *sql.Conn and *sql.Tx offer (and SQLite's pool
// of prepared reads).
type sqlConn interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// SQL adapts a database/sql pool, connection or transaction.
func SQL(c sqlConn) Querier { return sqlQuerier{c} }

type sqlQuerier struct{ c sqlConn }

type sqlRows struct{ *sql.Rows }

func (r sqlRows) Close() { r.Rows.Close() }

func (q sqlQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	rows, err := q.c.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return sqlRows{rows}, nil
}

func (q sqlQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlutil.Scanner {
	return q.c.QueryRowContext(ctx, query, args...)
}

func (q sqlQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	res, err := q.c.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (q sqlQuerier) ExecEach(ctx context.Context, query string, args [][]any) error {
	for _, a := range args {
		if _, err := q.c.ExecContext(ctx, query, a...); err != nil {
			return err
		}
	}
	return nil
}

// pgxConn is what pgx's pools, connections and transactions offer.
type pgxConn interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// Pgx adapts a pgx pool, connection or transaction; queries are rebound
// to PostgreSQL's $n placeholders.
func Pgx(c pgxConn) Querier { return pgxQuerier{c} }

type pgxQuerier struct{ c pgxConn }

func (q pgxQuerier) Query(ctx context.Context, query string, args ...any) (Rows, error) {
	return q.c.Query(ctx, Rebind(query), args...)
}

func (q pgxQuerier) QueryRow(ctx context.Context, query string, args ...any) sqlutil.Scanner {
	return q.c.QueryRow(ctx, Rebind(query), args...)
}

func (q pgxQuerier) Exec(ctx context.Context, query string, args ...any) (int64, error) {
	tag, err := q.c.Exec(ctx, Rebind(query), args...)
	return tag.RowsAffected(), err
}

func (q pgxQuerier) ExecEach(ctx context.Context, query string, args [][]any) error {
	if len(args) == 0 {
		return nil
	}
	query = Rebind(query)
	b := &pgx.Batch{}
	for _, a := range args {
		b.Queue(query, a...)
	}
	return q.c.SendBatch(ctx, b).Close()
}

// Rebind turns the ? placeholders of query into $1, $2, ... in order,
// leaving string literals and quoted names alone.
func Rebind(query string) string {
	if strings.IndexByte(query, '?') < 0 {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// Dialect is what an engine's SQL and errors differ in, for the SQL
// written here once.
type Dialect struct {
	// Name starts the engine's internal errors ("sqlite").
	Name string
	// Time is a time as the engine stores it (Unix seconds, or a
	// timestamp in whole seconds); NULL (nil) for the zero time.
	Time func(time.Time) any
	// IsUnique and IsForeignKey tell a failed UNIQUE (or primary key) and
	// FOREIGN KEY constraint by the driver's codes.
	IsUnique, IsForeignKey func(error) bool
	// SkipLocked locks the rows a SELECT of a queue reads in a write
	// transaction, passing over those another one holds (" FOR UPDATE
	// SKIP LOCKED"); "" where the one writer is the lock (SQLite).
	SkipLocked string
	// ILike is the operator of a LIKE that ignores case ("LIKE" in
	// SQLite, for ASCII; "ILIKE").
	ILike string
	// LockEvents is the statement a transaction runs, last but for its
	// insert, before it writes to the event log, so that events get their
	// ids in commit order (PostgreSQL's advisory lock); "" for SQLite.
	LockEvents string
}

// wrap adds where an internal error happened, once per exported method
// (defer d.wrap(&err, "...")); errors with a code people may see pass
// unchanged.
func (d *Dialect) wrap(err *error, what string) {
	if *err != nil && dateline.ErrorCode(*err) == dateline.EINTERNAL {
		*err = fmt.Errorf("%s: %s: %w", d.Name, what, *err)
	}
}

// DB is an engine's database as the shared areas use it.
type DB struct {
	*Dialect
	// Read is where a read goes that may lag this node's writes a little
	// (a replica that has replayed them).
	Read func(context.Context) Querier
	// Fresh is where a read goes that must see what was just saved: the
	// newsroom's, and sign-in's.
	Fresh func(context.Context) Querier
	// Tx runs fn in a write transaction and commits it when fn returns
	// nil; the change is announced to every node's pages.
	Tx func(ctx context.Context, fn func(Querier) error) error
	// QuietTx is Tx for writes no page shows (sessions, sign-in counts,
	// autosaves, the audit log), which are not announced.
	QuietTx func(ctx context.Context, fn func(Querier) error) error
}

// Stores are the areas written once, for an engine's DB to embed: their
// methods are part of dateline.Store.
type Stores struct {
	partnerStore
	adStore
	rateStore
	peopleStore
	revisionStore
	mediaStore
	storyPageStore
	clientStore
	pushStore
	mailStore
	portalStore
	sourceStore
	newsStore
	alertStore
	oldPathStore
}

// New returns the areas on db.
func New(db *DB) Stores {
	return Stores{partnerStore{db}, adStore{db}, rateStore{db}, peopleStore{db}, revisionStore{db}, mediaStore{db}, storyPageStore{db}, clientStore{db}, pushStore{db}, mailStore{db}, portalStore{db}, sourceStore{db}, newsStore{db}, alertStore{db}, oldPathStore{db}}
}

// collect reads every row of a query with scan, into a list that is empty,
// not nil, when there are none.
func collect[T any](ctx context.Context, q Querier, scan func(sqlutil.Scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []T{}, scan)
}

// noRows reports that a query found no row.
func noRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// notFound is err as ENOTFOUND with the message when no row was found.
func notFound(err error, format string, args ...any) error {
	if noRows(err) {
		return dateline.Errorf(dateline.ENOTFOUND, format, args...)
	}
	return err
}
