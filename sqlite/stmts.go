package sqlite

import (
	"context"
	"database/sql"
	"sync"
)

// maxStmts is how many query texts readPool keeps prepared. Texts built
// per call (IN lists of varying length) are few, but past the bound new
// texts run unprepared rather than evict one another: closing a statement
// another reader has just taken would fail its query.
const maxStmts = 256

// readPool is the pool of read connections with a prepared statement kept
// per query text, so that SQLite parses each read once per connection
// instead of at every query (a fifth of a cold article page's time at a
// million stories went to parsing).
type readPool struct {
	*sql.DB
	mu    sync.RWMutex
	stmts map[string]*sql.Stmt
}

func newReadPool(db *sql.DB) *readPool {
	return &readPool{DB: db, stmts: map[string]*sql.Stmt{}}
}

// QueryContext runs query with its prepared statement.
func (p *readPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.DB.QueryContext(ctx, query, args...)
}

// QueryRowContext runs query with its prepared statement.
func (p *readPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.DB.QueryRowContext(ctx, query, args...)
}

// stmt returns the statement prepared for query, preparing it the first
// time; nil when maxStmts texts are kept already or it does not prepare
// (the query then runs unprepared and reports its own error).
func (p *readPool) stmt(ctx context.Context, query string) *sql.Stmt {
	p.mu.RLock()
	s, ok := p.stmts[query]
	full := len(p.stmts) >= maxStmts
	p.mu.RUnlock()
	if ok || full {
		return s
	}
	// Prepared outside the lock: preparing waits for a free connection,
	// and a reader holding one may be asking for another statement.
	s, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if kept, ok := p.stmts[query]; ok || len(p.stmts) >= maxStmts {
		s.Close() // not used yet by anyone
		return kept
	}
	p.stmts[query] = s
	return s
}

// Close closes the statements, then the connections.
func (p *readPool) Close() error {
	p.mu.Lock()
	for q, s := range p.stmts {
		s.Close()
		delete(p.stmts, q)
	}
	p.mu.Unlock()
	return p.DB.Close()
}
