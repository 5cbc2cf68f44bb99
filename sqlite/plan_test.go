package sqlite

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dateline/storetest"
)

// badStep is a step of EXPLAIN QUERY PLAN that a list must not take: a
// full scan of a table of articles (a co-routine's SCAN x is fine) or a
// sort of rows for ORDER BY.
var badStep = regexp.MustCompile(`^SCAN (a|articles|published_tags|article_topics|article_persons)\b|USE TEMP B-TREE`)

// planFaults returns the steps of the plan of q that badStep names.
func planFaults(t *testing.T, db *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.read.QueryContext(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", q, err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		if badStep.MatchString(detail) {
			bad = append(bad, detail)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return bad
}

// TestListPlans: every list that pages walks an index from its cursor, so
// that the thousandth page costs what the first does.
func TestListPlans(t *testing.T) {
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "dateline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The check itself sees a sort and a full scan.
	if bad := planFaults(t, db, `SELECT id FROM articles ORDER BY headline`); len(bad) != 2 {
		t.Fatalf("a full scan and sort: faults %q, want two", bad)
	}
	for _, p := range storetest.ListPaths() {
		q, args := articlesQuery(p.Filter)
		if bad := planFaults(t, db, q, args...); len(bad) > 0 {
			t.Errorf("%s: the plan has %s", p.Name, strings.Join(bad, "; "))
		}
	}
}
