package storetest

import (
	"testing"
	"time"

	"dateline"
	"dateline/redirect"
)

// testOldPaths: an old path leads to its story while the story is public,
// to a site path, is repointed by a later save, and a save of what is
// known changes nothing.
func testOldPaths(t *testing.T, s dateline.Store) {
	o := s
	pub := article("urn:wp:1", "world", base)
	dr := draft("urn:wp:2", "sport", "A draft")
	rs := upsert(t, s, base, pub, dr)
	pub.ID, dr.ID = rs[0].ID, rs[1].ID
	ps := []redirect.OldPath{
		{Path: "/2017/10/23/привет", URI: "urn:wp:1", Source: "wordpress"},
		{Path: "/?p=1", URI: "urn:wp:1", Source: "wordpress"},
		{Path: "/?p=2", URI: "urn:wp:2", Source: "wordpress"},
		{Path: "/category/sports", Target: "/sport", Source: "wordpress"},
		{Path: "/?p=3", URI: "urn:wp:never", Source: "wordpress"},
	}
	if n, err := o.SaveOldPaths(ctx, ps, base); err != nil || n != 5 {
		t.Fatalf("SaveOldPaths = %d, %v; want 5 new", n, err)
	}
	if n, err := o.SaveOldPaths(ctx, ps, base.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("SaveOldPaths again = %d, %v; want nothing changed", n, err)
	}
	f, err := o.OldPath(ctx, "/2017/10/23/привет")
	if err != nil || f.ArticleID != pub.ID || f.Section != "world" || !f.Public || f.Target != "" {
		t.Errorf("old path of a public story: %+v, %v (id %d)", f, err, pub.ID)
	}
	if f, err := o.OldPath(ctx, "/?p=2"); err != nil || f.ArticleID != dr.ID || f.Public {
		t.Errorf("old path of a draft: %+v, %v", f, err)
	}
	if f, err := o.OldPath(ctx, "/category/sports"); err != nil || f.Target != "/sport" || f.ArticleID != 0 {
		t.Errorf("old path of a section: %+v, %v", f, err)
	}
	for _, p := range []string{"/?p=3", "/nothing", ""} {
		if _, err := o.OldPath(ctx, p); dateline.ErrorCode(err) != dateline.ENOTFOUND {
			t.Errorf("OldPath(%q) = %v, want ENOTFOUND", p, err)
		}
	}
	// Repointed: the section's old path now leads to a topic.
	if n, err := o.SaveOldPaths(ctx, []redirect.OldPath{{Path: "/category/sports", Target: "/topics/sports", Source: "wordpress"}}, base); err != nil || n != 1 {
		t.Fatalf("repoint = %d, %v", n, err)
	}
	if f, err := o.OldPath(ctx, "/category/sports"); err != nil || f.Target != "/topics/sports" {
		t.Errorf("repointed: %+v, %v", f, err)
	}
	// A bad path refuses the whole save.
	bad := []redirect.OldPath{{Path: "/fine", Target: "/world", Source: "ghost"}, {Path: "", Target: "/x", Source: "ghost"}}
	if _, err := o.SaveOldPaths(ctx, bad, base); dateline.ErrorCode(err) != dateline.EINVALID {
		t.Errorf("empty path: %v, want EINVALID", err)
	}
	if _, err := o.OldPath(ctx, "/fine"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("a refused save stored part of its paths: %v", err)
	}
}

// fillOldPaths gives a filled site old paths, for the moves.
func fillOldPaths(t testing.TB, s dateline.Store) {
	t.Helper()
	ps := []redirect.OldPath{
		{Path: "/2017/10/23/fill", URI: "urn:fill:1", Source: "wordpress"},
		{Path: "/tag/fill", Target: "/topics/fill", Source: "ghost"},
	}
	if _, err := s.SaveOldPaths(ctx, ps, base); err != nil {
		t.Fatal(err)
	}
}
