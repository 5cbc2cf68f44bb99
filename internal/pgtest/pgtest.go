// Package pgtest gives each test its own empty PostgreSQL schema on the
// server named by DATELINE_TEST_POSTGRES (default: the local server's
// "test" database). Without a server the test is skipped, except under
// CI=true, where every suite is mandatory and it fails.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DefaultDSN is the server tests use when DATELINE_TEST_POSTGRES is unset.
const DefaultDSN = "postgres://127.0.0.1:5432/test?sslmode=disable"

// BaseDSN returns the server's address.
func BaseDSN() string {
	if dsn := os.Getenv("DATELINE_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return DefaultDSN
}

// Schema makes a new schema and returns a DSN whose search_path is it. The
// schema is dropped when the test ends, unless the test failed, so that
// what it left can be looked at.
func Schema(t testing.TB) string {
	t.Helper()
	base := BaseDSN()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL is required under CI (%s): %v", base, err)
		}
		t.Skipf("no PostgreSQL at %s (%v); ./test.sh starts it when it is installed", base, err)
	}
	defer conn.Close(context.Background())
	b := make([]byte, 6)
	rand.Read(b)
	name := "test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("kept schema %s for inspection", name)
			return
		}
		c, err := pgx.Connect(context.Background(), base)
		if err == nil {
			c.Exec(context.Background(), `DROP SCHEMA `+name+` CASCADE`)
			c.Close(context.Background())
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String()
}
