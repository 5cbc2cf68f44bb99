package sqlop

import (
	"testing"
	"time"
)

func TestName(t *testing.T) {
	for _, c := range []struct{ sql, want string }{
		{"SELECT id, headline FROM articles WHERE id = ?", "select articles"},
		{"\n\t\tselect a.id from article_topics t JOIN articles a ON a.id = t.article_id", "select article_topics"},
		{"SELECT COUNT(*) FROM (SELECT 1 FROM view_minutes WHERE minute > $1) x", "select view_minutes"},
		{"INSERT INTO revisions (article_id) VALUES ($1) RETURNING id", "insert revisions"},
		{"UPDATE articles SET status = 'published' WHERE status = 'scheduled' RETURNING id", "update articles"},
		{"DELETE FROM article_fts WHERE rowid = ?", "delete article_fts"},
		{"WITH due AS (SELECT id FROM articles) UPDATE view_windows SET now = 0", "update view_windows"},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "select"},
		{"SELECT pg_current_wal_lsn()", "select"},
		{"SELECT * FROM no_such_table", "select"},
		{"BEGIN IMMEDIATE", "begin"},
		{"commit", "commit"},
		{"PRAGMA optimize", "pragma"},
		{"EXPLAIN QUERY PLAN SELECT 1", "other"},
		{"", "other"},
		{"  (", "other"},
	} {
		if got := Name(c.sql); got != c.want {
			t.Errorf("Name(%q) = %q, want %q", c.sql, got, c.want)
		}
	}
}

// TestObserverAllocs: timing a query allocates nothing once its text is
// known, and nothing at all with no function set.
func TestObserverAllocs(t *testing.T) {
	var o Observer
	q := "SELECT id FROM articles WHERE id = ?"
	start := time.Now()
	if n := testing.AllocsPerRun(100, func() { o.Done(q, start) }); n != 0 {
		t.Errorf("off: %v allocations a query", n)
	}
	var got string
	o.Set(func(op string, d time.Duration) { got = op })
	o.Done(q, start)
	if n := testing.AllocsPerRun(100, func() { o.Done(q, start) }); n != 0 {
		t.Errorf("on: %v allocations a query", n)
	}
	if got != "select articles" {
		t.Errorf("op %q", got)
	}
	o.Set(nil)
	if o.On() {
		t.Error("still on")
	}
}

// BenchmarkDone is what timing one query costs beside the query: reading
// the clock, naming its text (kept), and the function's call.
func BenchmarkDone(b *testing.B) {
	var o Observer
	o.Set(func(string, time.Duration) {})
	q := "SELECT a.id, a.uri, a.headline FROM articles a JOIN sections s ON s.id = a.section_id WHERE a.id = ?"
	b.ReportAllocs()
	for b.Loop() {
		o.Done(q, time.Now())
	}
}

// BenchmarkName names a query text not seen before.
func BenchmarkName(b *testing.B) {
	q := "WITH x AS (SELECT id FROM articles WHERE status = 'published') SELECT a.id, a.uri, a.headline FROM article_topics t JOIN x ON x.id = t.article_id WHERE t.topic_id = ? ORDER BY a.published_at DESC LIMIT 20"
	b.ReportAllocs()
	for b.Loop() {
		Name(q)
	}
}
