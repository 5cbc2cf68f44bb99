// Package postgres is the storage engine for running dateline on many
// nodes: PostgreSQL through pgx, with reads spread over replicas, and
// changes announced to every node with LISTEN/NOTIFY.
package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"dateline"
	"dateline/internal/sqlop"
)

//go:embed migrations/*.sql
var migrations embed.FS

// channel is the NOTIFY channel on which every write is announced, with the
// primary's WAL position after it as the payload.
const channel = "dateline_changes"

// DB is a PostgreSQL database, with optional read replicas. It implements
// dateline.Store.
type DB struct {
	dsn      string
	primary  *pgxpool.Pool
	replicas []*replica
	next     atomic.Uint64
	// wantLSN is the newest WAL position a reader must see: the position
	// after the last change this node made or heard of.
	wantLSN atomic.Uint64
	log     *slog.Logger
	obs     *sqlop.Observer // times every query when metrics are on
	stores
}

type replica struct {
	pool *pgxpool.Pool
	lsn  atomic.Uint64 // the replay position last seen on it
}

var _ dateline.Store = (*DB)(nil)

// Options tune Open.
type Options struct {
	Replicas []string     // DSNs of read replicas
	Logger   *slog.Logger // for the change listener; nil discards
}

// Open connects to the primary at dsn (and to any replicas), and applies
// the migrations it has not seen, once even when several nodes start at
// the same moment.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	db := &DB{dsn: dsn, log: opts.Logger, obs: &sqlop.Observer{}}
	db.bind()
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	var err error
	db.primary, err = pool(ctx, dsn, db.obs)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	for _, r := range opts.Replicas {
		p, err := pool(ctx, r, db.obs)
		if err != nil {
			db.Close()
			return nil, err
		}
		db.replicas = append(db.replicas, &replica{pool: p})
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}

	return db, nil
}

func pool(ctx context.Context, dsn string, obs *sqlop.Observer) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "The PostgreSQL address is not valid: %v", strings.TrimPrefix(err.Error(), "cannot parse "))
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["timezone"] = "UTC"
	cfg.ConnConfig.Tracer = tracer{obs}
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.Ping(pingCtx); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

// Close closes every pool.
// Pools tells what the primary's pool and each replica's are doing.
func (db *DB) Pools() []dateline.PoolStats {
	ps := []dateline.PoolStats{pgPool("primary", db.primary.Stat())}
	for i, r := range db.replicas {
		ps = append(ps, pgPool("replica"+strconv.Itoa(i+1), r.pool.Stat()))
	}
	return ps
}

func pgPool(name string, s *pgxpool.Stat) dateline.PoolStats {
	return dateline.PoolStats{Pool: name, InUse: int(s.AcquiredConns()), Idle: int(s.IdleConns()), Max: int(s.MaxConns()),
		Waits: s.EmptyAcquireCount(), WaitDuration: s.EmptyAcquireWaitTime()}
}

func (db *DB) Close() (err error) {
	defer wrap(&err, "close")
	if db.primary != nil {
		db.primary.Close()
	}
	for _, r := range db.replicas {
		r.pool.Close()
	}
	return nil
}

// migrationLock is the advisory lock key that serialises migrations.
const migrationLock = 0x646174656c696e65 // "dateline"

func (db *DB) migrate(ctx context.Context) error {
	conn, err := db.primary.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, int64(migrationLock)); err != nil {
		return err
	}
	defer conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, int64(migrationLock))
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			var n int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM migrations WHERE name = $1`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			src, err := migrations.ReadFile(name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(src)); err != nil {
				return err
			}
			_, err = tx.Exec(ctx, `INSERT INTO migrations (name) VALUES ($1)`, name)
			return err
		})
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	// Still under the lock, so nodes starting together rebuild it once.
	if err := db.reindexIfStale(ctx); err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	return nil
}

type primaryKey struct{}

// Primary returns a context whose reads go to the primary, for people who
// must see what they just saved (the newsroom).
func Primary(ctx context.Context) context.Context {
	return context.WithValue(ctx, primaryKey{}, true)
}

// querier is what both pools and transactions offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// reader picks where a read goes: a replica that has replayed every change
// this node knows of, or else the primary.
func (db *DB) reader(ctx context.Context) querier {
	if len(db.replicas) == 0 || ctx.Value(primaryKey{}) != nil {
		return db.primary
	}
	want := db.wantLSN.Load()
	start := db.next.Add(1)
	for i := range db.replicas {
		r := db.replicas[(start+uint64(i))%uint64(len(db.replicas))]
		if r.lsn.Load() >= want {
			return r.pool
		}
		var s string
		if err := r.pool.QueryRow(ctx, `SELECT COALESCE(pg_last_wal_replay_lsn()::text, '')`).Scan(&s); err == nil {
			if lsn, ok := parseLSN(s); ok {
				r.lsn.Store(lsn)
				if lsn >= want {
					return r.pool
				}
			}
		}
	}
	return db.primary
}

// parseLSN reads a WAL position such as "16/B374D848".
func parseLSN(s string) (uint64, bool) {
	hi, lo, ok := strings.Cut(s, "/")
	if !ok {
		return 0, false
	}
	var h, l uint64
	if _, err := fmt.Sscanf(hi+" "+lo, "%x %x", &h, &l); err != nil {
		return 0, false
	}
	return h<<32 | l, true
}

func (db *DB) noteLSN(s string) {
	lsn, ok := parseLSN(s)
	if !ok {
		return
	}
	for {
		cur := db.wantLSN.Load()
		if lsn <= cur || db.wantLSN.CompareAndSwap(cur, lsn) {
			return
		}
	}
}

// inTx runs fn in a transaction on the primary, commits it, and announces
// the change to every node.
func (db *DB) inTx(ctx context.Context, fn func(pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, db.primary, fn); err != nil {
		return err
	}
	db.announce(ctx, false)
	return nil
}

// inStoryTx is inTx for writes of stories only, announced as such: their
// events tell every node which pages to drop.
func (db *DB) inStoryTx(ctx context.Context, fn func(pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, db.primary, fn); err != nil {
		return err
	}
	db.announce(ctx, true)
	return nil
}

// inQuietTx runs fn in a transaction on the primary without announcing
// it, for writes that no page shows: sessions, sign-in counts, autosaves
// and the audit log. Announcing them would empty every node's page cache
// at each sign-in and every few seconds while someone types. Their reads
// go to the primary.
func (db *DB) inQuietTx(ctx context.Context, fn func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db.primary, fn)
}

// announce tells every node (this one too) that content changed. The
// payload is the primary's WAL position, which replicas must reach before
// they serve reads again, after "stories " when only stories changed
// (their events say which: Watch).
func (db *DB) announce(ctx context.Context, stories bool) {
	var lsn string
	prefix := ""
	if stories {
		prefix = storiesPrefix
	}
	err := db.primary.QueryRow(context.WithoutCancel(ctx), `SELECT pg_notify($1, $2 || pg_current_wal_lsn()::text), pg_current_wal_lsn()::text`, channel, prefix).Scan(nil, &lsn)
	if err != nil {
		db.log.Error("announce change", "err", err)
		return
	}
	db.noteLSN(lsn)
}

// storiesPrefix starts the payload of a change of stories only.
const storiesPrefix = "stories "

// Watch calls changed whenever any node changes content, until ctx ends,
// with true when only stories changed (the event log says which).
// It listens on its own connection and reconnects when that drops. Each
// time the LISTEN is in place it calls changed once, since anything changed
// before it (at start, or while disconnected) was not heard.
func (db *DB) Watch(ctx context.Context, changed func(stories bool)) (err error) {
	defer wrap(&err, "watch")
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		listening, err := db.listen(ctx, changed)
		if ctx.Err() != nil {
			return nil
		}
		if listening {
			backoff = 100 * time.Millisecond
		}
		db.log.Warn("change listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	return nil
}

// listen reports whether it got as far as listening.
func (db *DB) listen(ctx context.Context, changed func(stories bool)) (bool, error) {
	conn, err := pgx.Connect(ctx, db.dsn)
	if err != nil {
		return false, err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+channel); err != nil {
		return false, err
	}
	changed(false)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return true, nil
			}
			return true, err
		}
		lsn, stories := strings.CutPrefix(n.Payload, storiesPrefix)
		db.noteLSN(lsn)
		changed(stories)
	}
}
