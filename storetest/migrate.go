package storetest

import (
	"bytes"
	"testing"
	"time"

	"dateline"
)

// SeedOld stores what a site made before sources existed holds: a wire
// story under embargo until release, local content (newsroom, demo, gen)
// and a token. The engine's migration test then takes the database back
// to before migration 0011 and checks it with CheckMigrated.
func SeedOld(t *testing.T, s dateline.Store, now, release time.Time) {
	t.Helper()
	seedSections(t, s)
	e := article("urn:agency:1", "world", time.Time{})
	e.Status, e.EmbargoUntil = dateline.StatusScheduled, release
	var as []*dateline.Article
	as = append(as, e)
	for _, uri := range []string{"urn:dateline:newsroom:abc", "urn:dateline:demo:p1", "urn:dateline:gen:7"} {
		as = append(as, article(uri, "world", now))
	}
	upsert(t, s, now, as...)
	if err := s.CreateToken(ctx, &dateline.Token{Name: "old", Scope: "write", Hash: bytes.Repeat([]byte{3}, 32)}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// CheckMigrated checks what SeedOld stored after migration 0011.
func CheckMigrated(t *testing.T, s dateline.Store, release time.Time) {
	t.Helper()
	for uri, source := range map[string]string{"urn:agency:1": "wire", "urn:dateline:newsroom:abc": "", "urn:dateline:demo:p1": "", "urn:dateline:gen:7": ""} {
		a, err := s.ArticleByURI(ctx, uri)
		if err != nil {
			t.Fatal(err)
		}
		if a.Source != source {
			t.Errorf("%s: source %q, want %q", uri, a.Source, source)
		}
		if uri == "urn:agency:1" && (!a.EmbargoUntil.Equal(release) || a.Status != dateline.StatusScheduled) {
			t.Errorf("%s: %s until %v, want scheduled until %v", uri, a.Status, a.EmbargoUntil, release)
		}
	}
	if next, err := s.NextEmbargo(ctx); err != nil || !next.Equal(release) {
		t.Errorf("NextEmbargo = %v, %v; want %v", next, err, release)
	}
	if tok, err := s.TokenByHash(ctx, bytes.Repeat([]byte{3}, 32)); err != nil || tok.Source != "wire" {
		t.Errorf("token = %+v, %v", tok, err)
	}
	if ids, err := s.PublishDue(ctx, release.Add(-time.Millisecond)); err != nil || len(ids) != 0 {
		t.Errorf("PublishDue early = %v, %v", ids, err)
	}
	if ids, err := s.PublishDue(ctx, release); err != nil || len(ids) != 1 {
		t.Errorf("PublishDue at the release = %v, %v", ids, err)
	}
}
