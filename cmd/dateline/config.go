package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"dateline"
	"dateline/cmd/dateline/internal/clientcmd"
	"dateline/postgres"
	"dateline/sqlite"
)

// env returns the environment variable or the default.
func env(name, def string) string { return clientcmd.Env(name, def) }

// storeFlags are the flags every command that opens the database takes.
type storeFlags struct {
	data       string
	db         string
	replicas   listFlag
	durability string // SQLite's: full or normal; empty is full
	log        *slog.Logger
}

// listFlag is a flag that may be given many times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func (f *storeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.data, "data", env("DATELINE_DATA", "./data"), "data folder: the SQLite file and media (env DATELINE_DATA)")
	fs.StringVar(&f.db, "db", env("DATELINE_DB", ""), "database: empty for SQLite in the data folder, sqlite:PATH, or postgres://... (env DATELINE_DB)")
}

// registerReplicas adds --db-replica, for the commands that serve reads.
func (f *storeFlags) registerReplicas(fs *flag.FlagSet) {
	if v := env("DATELINE_DB_REPLICAS", ""); v != "" {
		f.replicas = strings.Fields(v)
	}
	fs.Var(&f.replicas, "db-replica", "a PostgreSQL read replica for public pages; repeat for several (env DATELINE_DB_REPLICAS, space-separated)")
}

// registerDurability adds --durability, for the commands that acknowledge
// writes to others.
func (f *storeFlags) registerDurability(fs *flag.FlagSet) {
	fs.StringVar(&f.durability, "durability", env("DATELINE_DURABILITY", string(sqlite.Full)), "when SQLite acknowledges a write: full syncs every commit to disk, so an acknowledged item survives a power loss or an OS crash; normal syncs at checkpoints, faster, and may lose the last acknowledged items on a power loss or an OS crash (never on a crash of the process). PostgreSQL's own synchronous_commit governs there (env DATELINE_DURABILITY)")
}

// checkDurability refuses a --durability that is neither full nor normal.
func (f *storeFlags) checkDurability() error {
	switch sqlite.Durability(f.durability) {
	case sqlite.Full, sqlite.Normal, "":
		return nil
	}
	return usagef("--durability must be full or normal, not %q", f.durability)
}

// openDSN opens a database by its name on the command line, sqlite:PATH or
// postgres://..., as it is: no sections are added to an empty one.
func openDSN(ctx context.Context, dsn string, log *slog.Logger) (dateline.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(dsn, "sqlite:")
		if path == "" {
			return nil, usagef("sqlite: needs a file path, as in sqlite:./data/dateline.db")
		}
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return nil, err
			}
		}
		return sqlite.Open(ctx, path)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return postgres.Open(ctx, dsn, postgres.Options{Logger: log})
	}
	return nil, usagef("a database is sqlite:PATH or postgres://..., not %q", dsn)
}

// open opens the store the flags name and makes sure the site has its
// sections.
func (f *storeFlags) open(ctx context.Context) (dateline.Store, error) {
	if len(f.replicas) > 0 && !strings.HasPrefix(f.db, "postgres") {
		return nil, usagef("--db-replica needs a PostgreSQL --db")
	}
	if err := os.MkdirAll(f.data, 0o755); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	var store dateline.Store
	switch {
	case f.db == "":
		db, err := sqlite.OpenWith(ctx, filepath.Join(f.data, "dateline.db"), sqlite.Options{Durability: sqlite.Durability(f.durability)})
		if err != nil {
			return nil, err
		}
		store = db
	case strings.HasPrefix(f.db, "sqlite:"):
		db, err := sqlite.OpenWith(ctx, strings.TrimPrefix(f.db, "sqlite:"), sqlite.Options{Durability: sqlite.Durability(f.durability)})
		if err != nil {
			return nil, err
		}
		store = db
	case strings.HasPrefix(f.db, "postgres://"), strings.HasPrefix(f.db, "postgresql://"):
		db, err := postgres.Open(ctx, f.db, postgres.Options{Replicas: f.replicas, Logger: f.log})
		if err != nil {
			return nil, err
		}
		store = db
	default:
		return nil, usagef("--db must be empty, sqlite:PATH or postgres://...; got %q", f.db)
	}
	ss, err := store.Sections(ctx)
	if err != nil {
		store.Close()
		return nil, err
	}
	if len(ss) == 0 {
		for _, s := range dateline.DefaultSections {
			if err := store.SaveSection(ctx, &s); err != nil {
				store.Close()
				return nil, err
			}
		}
	}
	return store, nil
}

// parse parses flags, printing help to stdout for --help, and refuses
// arguments a command does not take.
func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, wantArgs bool) error {
	return clientcmd.ParseFlags(fs, args, stdout, stderr, wantArgs)
}

func newFlagSet(name, synopsis string) *flag.FlagSet { return clientcmd.NewFlagSet(name, synopsis) }
