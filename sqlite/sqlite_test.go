package sqlite_test

import (
	"context"
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
// file (as "dateline import" makes while the site is served) is noticed.
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
	go served.Watch(ctx, func() { changes <- struct{}{} })
	time.Sleep(100 * time.Millisecond)
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
