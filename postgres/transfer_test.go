package postgres_test

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/sqlite"
	"dateline/storetest"
	"dateline/storetest/kit"
	"dateline/storetest/readertest"
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
		"autosaves": true, "stories": true, "story_articles": true, "home_top": true, "tokens": true, "audit_log": true,
		"clients": true, "products": true, "client_products": true, "client_users": true,
		"client_sessions": true, "client_invitations": true, "client_bookmarks": true, "client_follows": true, "client_usage": true}
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
		release := time.Date(2026, 10, 23, 11, 43, 0, 250e6, time.UTC)
		if e, err := s.ArticleByURI(ctx, "urn:fill:emb"); err != nil || !e.EmbargoUntil.Equal(release) || e.Source != "reuters" || e.WireVersion != "1.2" {
			t.Errorf("moved embargo: %+v, %v", e, err)
		}
		if w, err := s.ArticleByURI(ctx, "urn:fill:wh"); err != nil || w.Status != dateline.StatusWithheld || w.PublishedAt.IsZero() {
			t.Errorf("moved withheld story: %+v, %v", w, err)
		}
		if tok, err := s.TokenByHash(ctx, bytes.Repeat([]byte{0xcd}, 32)); err != nil || tok.Source != "reuters" {
			t.Errorf("moved token: %+v, %v", tok, err)
		}
		if tok, err := s.TokenByHash(ctx, bytes.Repeat([]byte{0xce}, 32)); err != nil || tok.ClientID == 0 {
			t.Errorf("moved client token: %+v, %v", tok, err)
		} else if e, err := s.Entitlement(ctx, tok.ClientID, kit.Base); err != nil || len(e.Products) != 1 || e.Products[0].Name != "Sport photos" {
			t.Errorf("moved entitlement: %+v, %v", e, err)
		}
		if c := (&dateline.Client{Name: "After the move"}); s.CreateClient(ctx, c, time.Now()) != nil || c.ID <= 1 {
			t.Errorf("new client after the move: %+v", c)
		}
		top, err := s.TopStories(ctx)
		if err != nil || len(top) != 2 || top[0].Story == nil || len(top[0].Story.Articles) != 1 {
			t.Errorf("moved top stories: %+v, %v", top, err)
		}
		users, _ := s.Users(ctx)
		u := &dateline.User{Email: "new@example.org", Name: "New", Role: dateline.RoleReporter}
		if err := s.CreateUser(ctx, u, time.Now()); err != nil || u.ID <= users[len(users)-1].ID {
			t.Errorf("new account after the move: id %d, %v", u.ID, err)
		}
		st := &dateline.Story{Title: "A new story page"}
		if err := s.SaveStory(ctx, st, time.Now()); err != nil {
			t.Errorf("new story after the move: %v", err)
		}
		e := &dateline.AuditEntry{Action: "site.move"}
		if err := s.AddAudit(ctx, e, time.Now()); err != nil {
			t.Errorf("new audit entry after the move: %v", err)
		}
		rev := &dateline.Revision{UserID: u.ID, Data: []byte("{}")}
		if err := s.SaveArticle(ctx, a, a.Version, rev, time.Now()); err != nil {
			t.Errorf("saving a moved article: %v", err)
		}
	}
}

// TestMoveReadership moves views, windows, edges and events from SQLite to
// PostgreSQL and back: every row comes back the same, both engines rank
// and count alike after the move, and the moved windows go on sliding
// from where they were.
func TestMoveReadership(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	now := time.Date(2026, 10, 23, 10, 43, 0, 0, time.UTC)
	first, err := sqlite.Open(ctx, filepath.Join(dir, "first.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer first.Close()
	storetest.FillNewsroom(t, first)
	readertest.FillReadership(t, first, now)
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
	start := time.Now()
	if _, err := dateline.Move(ctx, first, pg, nil); err != nil {
		t.Fatalf("to PostgreSQL: %v", err)
	}
	if _, err := dateline.Move(ctx, pg, back, nil); err != nil {
		t.Fatalf("back to SQLite: %v", err)
	}
	t.Logf("two moves in %v", time.Since(start))
	for _, tb := range dateline.Tables {
		if n, _ := first.CountRows(ctx, tb); n == 0 && (tb.Name == "view_minutes" || tb.Name == "view_windows" || tb.Name == "view_edges" || tb.Name == "events") {
			t.Errorf("the filled site has no %s, so their move is not tested", tb.Name)
		}
	}
	diff, err := dateline.SameRows(ctx, first, back)
	if err != nil || diff != "" {
		t.Errorf("SQLite before and after differ: %s %v", diff, err)
	}
	diff, err = dateline.SameRows(ctx, first, pg)
	if err != nil || diff != "" {
		t.Errorf("SQLite and PostgreSQL differ: %s %v", diff, err)
	}
	// The same answers everywhere, now and after the windows slide on.
	stores := []dateline.Readership{first, pg, back}
	for _, later := range []time.Duration{0, 30 * time.Minute, 2 * time.Hour, 25 * time.Hour, 8 * 24 * time.Hour} {
		var want []any
		for i, r := range stores {
			if later > 0 {
				if err := r.ExpireViews(ctx, now.Add(later)); err != nil {
					t.Fatal(err)
				}
			}
			var got []any
			for _, p := range dateline.Periods {
				list, err := r.MostRead(ctx, p, "", 50)
				if err != nil {
					t.Fatal(err)
				}
				for _, x := range list {
					got = append(got, x.ID, x.Views)
				}
			}
			es, err := r.Events(ctx, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, es)
			for id := range int64(12) {
				ns, err := r.Neighbours(ctx, id, 50)
				if err != nil {
					t.Fatal(err)
				}
				for _, n := range ns {
					got = append(got, n.ID, n.Shared)
				}
			}
			if i == 0 {
				want = got
			} else if !reflect.DeepEqual(got, want) {
				t.Errorf("after %v, store %d answers\n%v\nwant\n%v", later, i, got, want)
			}
		}
	}
	// New events take new ids.
	a := kit.Article("urn:move:new", "world", now)
	for _, s := range []dateline.Store{pg, back} {
		last, _ := s.LastEventID(ctx)
		if _, err := s.UpsertArticles(ctx, []*dateline.Article{a}, now); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.LastEventID(ctx); n <= last {
			t.Errorf("a new event after the move has id %d, the last moved %d", n, last)
		}
	}
}
