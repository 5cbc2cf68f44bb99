package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"sync"
	"time"

	"dateline/internal/sqlop"
)

// The driver's connections are wrapped so that every query is timed by
// its operation (sqlop) when metrics are on: from the call until its rows
// are closed, which includes reading them. With metrics off a query pays
// one atomic load.

// ObserveQueries makes f receive the operation and time of every query
// from now on; nil stops it.
func (db *DB) ObserveQueries(f func(op string, d time.Duration)) { db.obs.Set(f) }

// openTimed opens a pool on dsn whose queries obs times.
func openTimed(dsn string, obs *sqlop.Observer) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	drv := probe.Driver()
	probe.Close()
	return sql.OpenDB(timedConnector{dsn: dsn, drv: drv, obs: obs}), nil
}

type timedConnector struct {
	dsn string
	drv driver.Driver
	obs *sqlop.Observer
}

func (c timedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &timedConn{inner: conn.(sqliteConn), obs: c.obs}, nil
}

func (c timedConnector) Driver() driver.Driver { return c.drv }

// sqliteConn is what the driver's connections offer and database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

type timedConn struct {
	inner sqliteConn
	obs   *sqlop.Observer
}

func (c *timedConn) Prepare(q string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), q)
}

func (c *timedConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	s, err := c.inner.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	return &timedStmt{inner: s.(sqliteStmt), op: sqlop.Name(q), obs: c.obs}, nil
}

func (c *timedConn) Close() error { return c.inner.Close() }
func (c *timedConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *timedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if !c.obs.On() {
		return c.inner.BeginTx(ctx, opts)
	}
	start := time.Now()
	tx, err := c.inner.BeginTx(ctx, opts)
	c.obs.DoneOp("begin", start)
	if err != nil {
		return nil, err
	}
	return timedTx{inner: tx, obs: c.obs}, nil
}

func (c *timedConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	if !c.obs.On() {
		return c.inner.ExecContext(ctx, q, args)
	}
	start := time.Now()
	r, err := c.inner.ExecContext(ctx, q, args)
	c.obs.Done(q, start)
	return r, err
}

func (c *timedConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	if !c.obs.On() {
		return c.inner.QueryContext(ctx, q, args)
	}
	start := time.Now()
	r, err := c.inner.QueryContext(ctx, q, args)
	if err != nil {
		c.obs.Done(q, start)
		return nil, err
	}
	return newTimedRows(r, c.obs.Name(q), start, c.obs), nil
}

func (c *timedConn) Ping(ctx context.Context) error              { return c.inner.Ping(ctx) }
func (c *timedConn) ResetSession(ctx context.Context) error      { return c.inner.ResetSession(ctx) }
func (c *timedConn) IsValid() bool                               { return c.inner.IsValid() }
func (c *timedConn) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(c.inner, nv) }

// checkNamedValue converts an argument as database/sql would without a
// wrapper: the driver's own check when it has one, the default otherwise.
func checkNamedValue(inner any, nv *driver.NamedValue) error {
	if c, ok := inner.(driver.NamedValueChecker); ok {
		return c.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

type timedTx struct {
	inner driver.Tx
	obs   *sqlop.Observer
}

func (t timedTx) Commit() error {
	start := time.Now()
	err := t.inner.Commit()
	t.obs.DoneOp("commit", start)
	return err
}

func (t timedTx) Rollback() error {
	start := time.Now()
	err := t.inner.Rollback()
	t.obs.DoneOp("rollback", start)
	return err
}

// sqliteStmt is what the driver's statements offer.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// timedStmt is a prepared statement, its operation named once.
type timedStmt struct {
	inner sqliteStmt
	op    string
	obs   *sqlop.Observer
}

func (s *timedStmt) Close() error  { return s.inner.Close() }
func (s *timedStmt) NumInput() int { return s.inner.NumInput() }

func (s *timedStmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.inner.Exec(args) //nolint:staticcheck // database/sql calls ExecContext
}

func (s *timedStmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.inner.Query(args) //nolint:staticcheck // database/sql calls QueryContext
}

func (s *timedStmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if !s.obs.On() {
		return s.inner.ExecContext(ctx, args)
	}
	start := time.Now()
	r, err := s.inner.ExecContext(ctx, args)
	s.obs.DoneOp(s.op, start)
	return r, err
}

func (s *timedStmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if !s.obs.On() {
		return s.inner.QueryContext(ctx, args)
	}
	start := time.Now()
	r, err := s.inner.QueryContext(ctx, args)
	if err != nil {
		s.obs.DoneOp(s.op, start)
		return nil, err
	}
	return newTimedRows(r, s.op, start, s.obs), nil
}

func (s *timedStmt) CheckNamedValue(nv *driver.NamedValue) error { return checkNamedValue(s.inner, nv) }

// timedRows records its query when closed. They are pooled: a cold page
// runs a dozen queries, and the wrapper should not add to its garbage.
type timedRows struct {
	driver.Rows
	op    string
	start time.Time
	obs   *sqlop.Observer
}

var rowsPool = sync.Pool{New: func() any { return new(timedRows) }}

func newTimedRows(r driver.Rows, op string, start time.Time, obs *sqlop.Observer) *timedRows {
	t := rowsPool.Get().(*timedRows)
	*t = timedRows{Rows: r, op: op, start: start, obs: obs}
	return t
}

func (r *timedRows) Close() error {
	err := r.Rows.Close()
	r.obs.DoneOp(r.op, r.start)
	*r = timedRows{}
	rowsPool.Put(r)
	return err
}
