package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
	"dateline/internal/pgtest"
	"dateline/media"
)

// TestMigrateDBRoundTrip moves a site of 1,000 generated articles plus the
// demo (photos, galleries, infographics, top stories, tokens) from SQLite
// to PostgreSQL and back to a new SQLite file; every row of every table
// must come back the same.
func TestMigrateDBRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first := "sqlite:" + filepath.Join(dir, "first.db")
	back := "sqlite:" + filepath.Join(dir, "back.db")
	pg := pgtest.Schema(t)

	// The demo and 1,000 more articles, and a token.
	sf := storeFlags{data: dir, db: first}
	store, err := sf.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, store, media.Dir{Root: filepath.Join(dir, "media")}, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The house ad and the switch: the ads tables move too.
	if err := demo.LoadAds(ctx, store, media.Dir{Root: filepath.Join(dir, "media")}, "https://news.example"); err != nil {
		t.Fatal(err)
	}
	if err := store.SetAdsOff(ctx, true, time.Now()); err != nil {
		t.Fatal(err)
	}
	store.Close()
	if _, _, err := cli(t, "gen", "--data", dir, "--db", first, "--articles", "1000"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cli(t, "token", "create", "--data", dir, "--db", first, "--name", "t", "--scope", "write"); err != nil {
		t.Fatal(err)
	}

	out, _, err := cli(t, "migrate-db", "--from", first, "--to", pg)
	if err != nil {
		t.Fatalf("to PostgreSQL: %v", err)
	}
	if !strings.Contains(out, "every table's count matches") || !strings.Contains(out, "articles") {
		t.Errorf("output %q", out)
	}
	if _, _, err := cli(t, "migrate-db", "--from", pg, "--to", back); err != nil {
		t.Fatalf("back to SQLite: %v", err)
	}
	a, _ := openDSN(ctx, first, nil)
	defer a.Close()
	p, _ := openDSN(ctx, pg, nil)
	defer p.Close()
	b, _ := openDSN(ctx, back, nil)
	defer b.Close()
	if n, _ := a.CountArticles(ctx, ""); n < 1000 {
		t.Fatalf("the site has %d articles", n)
	}
	for _, pair := range []struct {
		name string
		x, y dateline.Transfer
	}{{"SQLite and PostgreSQL", a, p}, {"SQLite before and after", a, b}} {
		diff, err := dateline.SameRows(ctx, pair.x, pair.y)
		if err != nil {
			t.Fatal(err)
		}
		if diff != "" {
			t.Errorf("%s differ: %s", pair.name, diff)
		}
	}
	// The moved site works: new rows get new ids, not old ones.
	sec := dateline.Section{Slug: "extra", Name: "Extra", Position: 9}
	if err := p.SaveSection(ctx, &sec); err != nil || sec.ID <= 8 {
		t.Errorf("new section after the move: id %d, %v", sec.ID, err)
	}
	// A second move into the same target is refused.
	if _, _, err := cli(t, "migrate-db", "--from", first, "--to", pg); err == nil || !strings.Contains(message(err), "not empty") {
		t.Errorf("moving into a full database: %v", err)
	}
}
