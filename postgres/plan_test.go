package postgres

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"dateline/internal/pgtest"
	"dateline/storetest"
)

// planNode is a node of EXPLAIN (FORMAT JSON).
type planNode struct {
	NodeType string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Plans    []planNode `json:"Plans"`
}

// planFaults returns the nodes of the plan of q that a list must not
// have: a sort, or a sequential scan of a table of articles. Sequential
// scans and sorts are turned off (made dear) for the plan, since on the
// test's small tables they are the cheaper choice and would hide whether
// an index can be walked in order; one that is still there has no
// alternative.
func planFaults(t *testing.T, db *DB, q string, args ...any) []string {
	t.Helper()
	ctx := context.Background()
	var out []byte
	err := pgx.BeginFunc(ctx, db.primary, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off`); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+q, args...).Scan(&out)
	})
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", q, err)
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal(out, &plans); err != nil || len(plans) != 1 {
		t.Fatalf("EXPLAIN %s: %s, %v", q, out, err)
	}
	var bad []string
	var walk func(n planNode)
	walk = func(n planNode) {
		switch {
		case strings.Contains(n.NodeType, "Sort"):
			bad = append(bad, n.NodeType)
		case n.NodeType == "Seq Scan" && (n.Relation == "articles" || n.Relation == "published_tags"):
			bad = append(bad, n.NodeType+" on "+n.Relation)
		}
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	return bad
}

// TestListPlans: every list that pages walks an index from its cursor, so
// that the thousandth page costs what the first does.
func TestListPlans(t *testing.T) {
	db, err := Open(context.Background(), pgtest.Schema(t), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// The check itself sees a sort and a full scan.
	if bad := planFaults(t, db, `SELECT id FROM articles WHERE lead <> '' ORDER BY headline`); len(bad) != 2 {
		t.Fatalf("a full scan and sort: faults %q, want two", bad)
	}
	for _, p := range storetest.ListPaths() {
		q, args := articlesQuery(p.Filter)
		if bad := planFaults(t, db, q, args...); len(bad) > 0 {
			t.Errorf("%s: the plan has %s", p.Name, strings.Join(bad, "; "))
		}
	}
}
