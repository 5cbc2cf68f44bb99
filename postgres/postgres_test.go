package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dateline.Store {
		db, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestRelevance(t *testing.T) {
	db, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.Relevance(t, db, "..")
}

// TestLifecycleMigration: a site made before 0011 gets its wire stories
// and tokens the source "wire"; local content (newsroom, demo, gen)
// keeps no source.
func TestLifecycleMigration(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	db, err := postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 10, 23, 10, 0, 0, 0, time.UTC)
	release := base.Add(time.Hour)
	storetest.SeedOld(t, db, base, release)
	db.Close()

	// Back to the columns as they were before 0011.
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE articles DROP COLUMN withheld, DROP COLUMN source, DROP COLUMN wire_version`,
		`ALTER TABLE tokens DROP COLUMN source`,
		`DELETE FROM migrations WHERE name = 'migrations/0011_lifecycle.sql'`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	conn.Close(ctx)

	db, err = postgres.Open(ctx, dsn, postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckMigrated(t, db, release)
}
