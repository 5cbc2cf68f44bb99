package sqlite_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/sqlite"
	"dateline/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dateline.Store {
		db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dateline.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dateline.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	sec := dateline.DefaultSections[0]
	if err := db.SaveSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path) // migrations must not run twice
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ss, err := db.Sections(ctx)
	if err != nil || len(ss) != 1 {
		t.Fatalf("after reopen: %v, %v", ss, err)
	}
}

// TestWatchSeesOtherProcesses: a write through another handle on the same
// file (as "dateline import" makes while the site is served) is noticed,
// and the process's own writes are not (their callers tell of them).
func TestWatchSeesOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dateline.db")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	served, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer served.Close()
	changes := make(chan struct{}, 10)
	go served.Watch(ctx, func(bool) { changes <- struct{}{} })
	time.Sleep(100 * time.Millisecond)
	own := dateline.DefaultSections[1]
	if err := served.SaveSection(ctx, &own); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
		t.Fatal("the process's own write was told as another's")
	case <-time.After(1200 * time.Millisecond):
	}
	other, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	sec := dateline.DefaultSections[0]
	if err := other.SaveSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changes:
	case <-time.After(3 * time.Second):
		t.Fatal("the change by another handle was not noticed")
	}
}

func TestRelevance(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "dateline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.Relevance(t, db, "..")
}

// TestLifecycleMigration: a site made before 0011 gets its embargoes in
// milliseconds and its wire stories and tokens the source "wire"; local
// content (newsroom, demo, gen) keeps no source.
func TestLifecycleMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dateline.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 10, 23, 10, 0, 0, 0, time.UTC)
	release := base.Add(time.Hour)
	storetest.SeedOld(t, db, base, release)
	db.Close()

	// Back to the columns and times as they were before 0011.
	raw, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`UPDATE articles SET embargo_until = embargo_until / 1000`,
		`ALTER TABLE articles DROP COLUMN withheld`,
		`ALTER TABLE articles DROP COLUMN source`,
		`ALTER TABLE articles DROP COLUMN wire_version`,
		`ALTER TABLE tokens DROP COLUMN source`,
		`DELETE FROM migrations WHERE name = 'migrations/0011_lifecycle.sql'`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()

	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.CheckMigrated(t, db, release)
}

// TestQueuedWritesGiveUpTogether: while another process holds the
// writer, several of the node's own writes queued at once are all
// refused as busy (EUNAVAILABLE) within about one busy wait, not one
// wait each; once the lock is let go a write succeeds.
func TestQueuedWritesGiveUpTogether(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dateline.db")
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	other, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	tx, err := other.Begin()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	errs := make(chan error, 4)
	for i := range 4 {
		go func() {
			sec := dateline.Section{Slug: fmt.Sprintf("queued-%d", i), Name: "Queued"}
			errs <- db.SaveSection(ctx, &sec)
		}()
	}
	for range 4 {
		if err := <-errs; dateline.ErrorCode(err) != dateline.EUNAVAILABLE {
			t.Errorf("a queued write while busy: %v", err)
		}
	}
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("four queued writes took %v to give up", took)
	}
	tx.Rollback()
	sec := dateline.Section{Slug: "after", Name: "After"}
	if err := db.SaveSection(ctx, &sec); err != nil {
		t.Errorf("after the lock was let go: %v", err)
	}
}
