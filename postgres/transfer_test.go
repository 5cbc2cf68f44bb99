package postgres_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
	"dateline/storetest"
)

// TestMoveNewsroom moves a site with every newsroom table filled from
// SQLite to PostgreSQL and back to a new SQLite file: every row comes back
// the same, and the moved site takes new rows after the moved ones.
func TestMoveNewsroom(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	first, err := sqlite.Open(ctx, filepath.Join(dir, "first.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	storetest.FillNewsroom(t, first)
	pg, err := postgres.Open(ctx, pgtest.Schema(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	back, err := sqlite.Open(ctx, filepath.Join(dir, "back.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()

	if _, err := dateline.Move(ctx, first, pg, nil); err != nil {
		t.Fatalf("to PostgreSQL: %v", err)
	}
	if _, err := dateline.Move(ctx, pg, back, nil); err != nil {
		t.Fatalf("back to SQLite: %v", err)
	}
	for _, pair := range []struct {
		name string
		x, y dateline.Transfer
	}{{"SQLite and PostgreSQL", first, pg}, {"SQLite before and after", first, back}} {
		diff, err := dateline.SameRows(ctx, pair.x, pair.y)
		if err != nil {
			t.Fatal(err)
		}
		if diff != "" {
			t.Errorf("%s differ: %s", pair.name, diff)
		}
	}
	newsroom := map[string]bool{"users": true, "sessions": true, "articles": true, "corrections": true, "revisions": true,
		"autosaves": true, "stories": true, "story_articles": true, "home_top": true, "tokens": true, "audit_log": true}
	for _, tb := range dateline.Tables {
		if n, _ := first.CountRows(ctx, tb); n == 0 && newsroom[tb.Name] {
			t.Errorf("the filled site has no %s, so their move is not tested", tb.Name)
		}
	}

	// The moved site reads the same and takes new rows after the moved.
	for _, s := range []dateline.Store{pg, back} {
		sess, err := s.Session(ctx, bytes.Repeat([]byte{0xab}, 32), time.Date(2026, 10, 23, 10, 43, 0, 0, time.UTC))
		if err != nil || sess.User == nil || sess.User.Email != "ed@example.org" {
			t.Errorf("moved session: %+v, %v", sess, err)
		}
		a, err := s.ArticleByURI(ctx, "urn:fill:2")
		if err != nil || len(a.Chain) != 3 || len(a.Corrections) != 2 || a.Follows == 0 || a.AuthorID == 0 {
			t.Errorf("moved article: %+v, %v", a, err)
		}
		top, err := s.TopStories(ctx)
		if err != nil || len(top) != 2 || top[0].Story == nil || len(top[0].Story.Articles) != 1 {
			t.Errorf("moved top stories: %+v, %v", top, err)
		}
		users, _ := s.Users(ctx)
		u := &dateline.User{Email: "new@example.org", Name: "New", Role: dateline.RoleReporter}
		if err := s.CreateUser(ctx, u); err != nil || u.ID <= users[len(users)-1].ID {
			t.Errorf("new account after the move: id %d, %v", u.ID, err)
		}
		st := &dateline.Story{Title: "A new story page"}
		if err := s.SaveStory(ctx, st); err != nil {
			t.Errorf("new story after the move: %v", err)
		}
		e := &dateline.AuditEntry{Action: "site.move"}
		if err := s.AddAudit(ctx, e); err != nil {
			t.Errorf("new audit entry after the move: %v", err)
		}
		rev := &dateline.Revision{UserID: u.ID, Data: []byte("{}")}
		if err := s.SaveArticle(ctx, a, a.Version, rev, time.Now()); err != nil {
			t.Errorf("saving a moved article: %v", err)
		}
	}
}
