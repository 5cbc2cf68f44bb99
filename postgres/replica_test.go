package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
)

// TestReplicas runs against a real streaming replica: public reads go to
// it, writes go to the primary, and a read right after a write sees the
// write (from the primary until the replica has replayed it).
func TestReplicas(t *testing.T) {
	primaryDSN, replicaDSN := pgtest.Replicated(t)
	ctx := context.Background()
	db, err := Open(ctx, primaryDSN, Options{Replicas: []string{replicaDSN}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inRecovery := func(ctx context.Context) bool {
		var r bool
		if err := db.reader(ctx).QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	// Once the replica has caught up with the migrations, reads go to it.
	deadline := time.Now().Add(10 * time.Second)
	for !inRecovery(ctx) {
		if time.Now().After(deadline) {
			t.Fatal("reads never went to the replica")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if inRecovery(Primary(ctx)) {
		t.Error("Primary(ctx) read from the replica")
	}
	for _, s := range dateline.DefaultSections {
		if err := db.SaveSection(ctx, &s); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now().UTC().Truncate(time.Second)
	for i := range 50 {
		a := &dateline.Article{URI: fmt.Sprintf("urn:replica:%d", i), Section: "politics", Lang: "en", Headline: fmt.Sprintf("Story %d", i),
			Status: dateline.StatusPublished, Urgency: 5, PublishedAt: now, SourceVersion: now}
		rs, err := db.UpsertArticles(ctx, []*dateline.Article{a}, now)
		if err != nil {
			t.Fatal(err)
		}
		// Read your write, at once, through the replica-aware reader.
		got, err := db.Article(ctx, rs[0].ID)
		if err != nil || got.Headline != a.Headline {
			t.Fatalf("read after write %d: %v %v", i, got, err)
		}
		list, err := db.Articles(ctx, dateline.ArticleFilter{Limit: 1})
		if err != nil || len(list) == 0 || list[0].ID != rs[0].ID {
			t.Fatalf("newest article after write %d: %v %v", i, list, err)
		}
	}
	// And the replica serves again once it has replayed everything.
	deadline = time.Now().Add(10 * time.Second)
	for !inRecovery(ctx) {
		if time.Now().After(deadline) {
			t.Fatal("reads never returned to the replica")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
