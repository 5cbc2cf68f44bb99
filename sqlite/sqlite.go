// Package sqlite is the embedded storage engine: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode with foreign keys on, one writer
// connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	msqlite "modernc.org/sqlite" // registers the "sqlite" driver

	"dateline"
	"dateline/internal/sqlop"
)

//go:embed migrations/*.sql
var migrations embed.FS

// DB is a SQLite database. It implements dateline.Store.
type DB struct {
	path  string
	write *sql.DB   // one connection: SQLite has one writer at a time
	read  *readPool // prepared statements kept per query text
	// lastBusy is when (Unix ns) a write last gave up on another
	// process's lock; writes queued behind it give up at once.
	lastBusy atomic.Int64
	obs      *sqlop.Observer // times every query when metrics are on
	stores
}

var _ dateline.Store = (*DB)(nil)

// Durability says when a commit is on disk, which is when the ingest API
// acknowledges an item. Both keep the database whole after any crash; they
// differ in what a power loss or an operating system crash may take away.
type Durability string

const (
	// Full (synchronous=FULL) syncs the write-ahead log at every commit:
	// an acknowledged item survives a power loss or an OS crash.
	Full Durability = "full"
	// Normal (synchronous=NORMAL) syncs the log only at checkpoints: a
	// process crash or kill -9 loses nothing, but a power loss or an OS
	// crash may lose the last commits, acknowledged ones included.
	Normal Durability = "normal"
)

// Options are the choices Open leaves to its caller.
type Options struct {
	Durability Durability // Full when empty
}

// Open opens or creates the database file at path and applies any
// migration it has not seen, with the default options (Full durability).
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with options. Returns an error for an unknown
// Durability.
func OpenWith(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		return nil, fmt.Errorf("sqlite: empty path")
	}
	var synchronous string
	switch opt.Durability {
	case Full, "":
		synchronous = "FULL"
	case Normal:
		synchronous = "NORMAL"
	default:
		return nil, fmt.Errorf("sqlite: durability must be full or normal, not %q", opt.Durability)
	}
	// Pragmas are applied to every connection the pool opens, in order.
	// In WAL mode FULL syncs the log at every commit and NORMAL at
	// checkpoints only (see Durability).
	pragmas := []string{
		"busy_timeout(" + strconv.Itoa(int(busyWait/time.Millisecond)) + ")",
		"journal_mode(WAL)",
		"synchronous(" + synchronous + ")",
		"foreign_keys(ON)",
		"temp_store(MEMORY)",
	}
	// Page caches: 32 MB for the one writer, whose transactions touch
	// many index pages; 4 MB for each reader, which reads a story's few
	// pages and leans on the operating system's file cache for the rest.
	// Five 32 MB caches were most of a node's growth under random cold
	// traffic at a million stories (dateline bench archive --rows memory).
	dsn := func(cacheKB int) string {
		q := url.Values{}
		for _, p := range pragmas {
			q.Add("_pragma", p)
		}
		q.Add("_pragma", "cache_size(-"+strconv.Itoa(cacheKB)+")")
		return "file:" + path + "?" + q.Encode()
	}
	obs := &sqlop.Observer{}
	write, err := openTimed(dsn(32000)+"&_txlock=immediate", obs)
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	read, err := openTimed(dsn(4000), obs)
	if err != nil {
		write.Close()
		return nil, err
	}
	read.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	read.SetMaxIdleConns(max(4, runtime.NumCPU()*2))
	db := &DB{path: path, write: write, read: newReadPool(read), obs: obs}
	db.bind()
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: migrate %s: %w", path, err)
	}
	if err := db.reindexIfStale(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: search index %s: %w", path, err)
	}
	return db, nil
}

// Close closes both pools.
// Pools tells what the writer's connection and the read pool are doing.
func (db *DB) Pools() []dateline.PoolStats {
	return []dateline.PoolStats{sqlPool("write", db.write.Stats()), sqlPool("read", db.read.Stats())}
}

func sqlPool(name string, s sql.DBStats) dateline.PoolStats {
	return dateline.PoolStats{Pool: name, InUse: s.InUse, Idle: s.Idle, Max: s.MaxOpenConnections,
		Waits: s.WaitCount, WaitDuration: s.WaitDuration}
}

func (db *DB) Close() (err error) {
	defer wrap(&err, "close")
	err1 := db.read.Close()
	err2 := db.write.Close()
	if err1 != nil {
		return err1
	}
	return err2
}

// migrate applies the embedded migrations in name order, each in its own
// transaction, and records them in the migrations table.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := db.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func (db *DB) migrateFile(ctx context.Context, name string) error {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	src, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(src)); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return err
	}
	return tx.Commit()
}

// inTx runs fn in a write transaction and commits it when fn returns nil.
//
// The whole wait for the writer is bounded: at most busyWait in the queue
// for the one write connection, and a write that queued behind one which
// found another process holding the database gives up at once instead of
// waiting its own busyWait again. So a wire POST is answered 503 within
// about busyWait, however many of the node's own writes queued before it.
func (db *DB) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	asked := time.Now().UnixNano()
	queue, cancel := context.WithTimeout(ctx, busyWait)
	conn, err := db.write.Conn(queue)
	cancel()
	if err != nil {
		if ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
			return errBusy
		}
		return err
	}
	defer conn.Close()
	if db.lastBusy.Load() > asked {
		return errBusy
	}
	err = db.runTx(ctx, conn, fn)
	if dateline.ErrorCode(err) == dateline.EUNAVAILABLE {
		db.lastBusy.Store(time.Now().UnixNano())
	}
	return err
}

func (db *DB) runTx(ctx context.Context, conn *sql.Conn, fn func(*sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return busy(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return busy(err)
	}
	return busy(tx.Commit())
}

// busyWait is how long a write waits for another process's write (an
// import while the site serves) before it is refused as busy.
const busyWait = 5 * time.Second

// sqliteBusy and sqliteLocked are SQLite's primary result codes for a
// database another connection is writing.
const (
	sqliteBusy   = 5
	sqliteLocked = 6
)

// busy turns SQLite's "database is locked", after busyWait, into
// EUNAVAILABLE: the writer is busy, not broken, and the sender may try
// again (HTTP answers 503 with Retry-After). Other errors pass as they are.
func busy(err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) && (se.Code()&0xff == sqliteBusy || se.Code()&0xff == sqliteLocked) {
		return errBusy
	}
	return err
}

var errBusy = dateline.Errorf(dateline.EUNAVAILABLE, "The database is busy with another writer (an import, perhaps); try again in a few seconds.")

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Watch calls changed whenever another process changes the database file
// (an import while the site is served), until ctx ends; this process's
// own writes are told by its callers. SQLite has no notifications, so it
// polls PRAGMA data_version twice a second on the writer's connection:
// the version moves when any other connection commits, and the writer is
// the only connection of this process that commits.
func (db *DB) Watch(ctx context.Context, changed func(stories bool)) (err error) {
	defer wrap(&err, "watch")
	version := func() (int64, error) {
		var v int64
		err := db.write.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v)
		return v, err
	}
	last, err := version()
	if err != nil {
		return err
	}
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
			v, err := version()
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				if dateline.ErrorCode(busy(err)) == dateline.EUNAVAILABLE {
					continue // another process is writing: look again
				}
				return err
			}
			if v != last {
				last = v
				changed(false)
			}
		}
	}
}
