package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline/internal/sqlop"
)

// ObserveQueries makes f receive the operation (sqlop) and time of every
// query from now on, on the primary and the replicas; nil stops it.
func (db *DB) ObserveQueries(f func(op string, d time.Duration)) { db.obs.Set(f) }

// tracer times every query of a pool's connections: from the call until
// its rows are closed, which includes reading them. The start is kept on
// the connection, which runs one query at a time, so timing a query
// allocates nothing. With metrics off a query pays one atomic load.
type tracer struct{ obs *sqlop.Observer }

var (
	_ pgx.QueryTracer    = tracer{}
	_ pgx.BatchTracer    = tracer{}
	_ pgx.CopyFromTracer = tracer{}
)

const startKey = "dateline.query"

// queryStart is a connection's query under way.
type queryStart struct {
	op    string
	start time.Time
}

func (t tracer) begin(conn *pgx.Conn, op string, sql string) {
	if !t.obs.On() {
		return
	}
	data := conn.PgConn().CustomData()
	s, _ := data[startKey].(*queryStart)
	if s == nil {
		s = &queryStart{}
		data[startKey] = s
	}
	if op == "" {
		op = t.obs.Name(sql)
	}
	*s = queryStart{op: op, start: time.Now()}
}

func (t tracer) end(conn *pgx.Conn) {
	if !t.obs.On() {
		return
	}
	s, _ := conn.PgConn().CustomData()[startKey].(*queryStart)
	if s == nil || s.op == "" {
		return
	}
	t.obs.DoneOp(s.op, s.start)
	s.op = ""
}

func (t tracer) TraceQueryStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	t.begin(conn, "", data.SQL)
	return ctx
}

func (t tracer) TraceQueryEnd(_ context.Context, conn *pgx.Conn, _ pgx.TraceQueryEndData) {
	t.end(conn)
}

// A batch's queries are timed one by one, each from when its result was
// asked for.
func (t tracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceBatchStartData) context.Context {
	return ctx
}

func (t tracer) TraceBatchQuery(_ context.Context, _ *pgx.Conn, data pgx.TraceBatchQueryData) {
	if t.obs.On() && !data.ReadStartTime.IsZero() {
		t.obs.Done(data.SQL, data.ReadStartTime)
	}
}

func (t tracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (t tracer) TraceCopyFromStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceCopyFromStartData) context.Context {
	t.begin(conn, "copy", "")
	return ctx
}

func (t tracer) TraceCopyFromEnd(_ context.Context, conn *pgx.Conn, _ pgx.TraceCopyFromEndData) {
	t.end(conn)
}
