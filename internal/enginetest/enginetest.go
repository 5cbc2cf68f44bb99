// Package enginetest runs a test on both storage engines, with as many
// handles on one database as it asks for: the nodes of a cluster.
package enginetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
)

// Engines runs fn on SQLite (a file in the test's folder), and on
// PostgreSQL when DATELINE_TEST_POSTGRES names a server (or
// DATELINE_TEST_ENGINE=postgres; CI=true requires it). open opens another
// handle on the same database, closed when the test ends: a node.
func Engines(t *testing.T, fn func(t *testing.T, open func() dateline.Store)) {
	ctx := context.Background()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "dateline.db")
		fn(t, func() dateline.Store {
			db, err := sqlite.Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
	if os.Getenv("DATELINE_TEST_POSTGRES") == "" && os.Getenv("DATELINE_TEST_ENGINE") != "postgres" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true needs DATELINE_TEST_POSTGRES")
		}
		return
	}
	t.Run("postgres", func(t *testing.T) {
		dsn := pgtest.Schema(t)
		fn(t, func() dateline.Store {
			db, err := postgres.Open(ctx, dsn, postgres.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		})
	})
}
