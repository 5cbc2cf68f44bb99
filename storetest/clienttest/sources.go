package clienttest

import (
	"slices"
	"sync"
	"testing"
	"time"

	"dateline"
)

// FillSources stores a Superdesk source, a rewrite chain and an upload,
// so a move carries every table of Superdesk's push.
func FillSources(t testing.TB, s dateline.Store) {
	t.Helper()
	if err := s.CreateSource(ctx, &dateline.Source{Name: "newsroom", Kind: dateline.SourceSuperdesk, Secret: "0123456789abcdef-fill", Disabled: true}, base); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LinkSuperdesk(ctx, "urn:sd:2", "urn:sd:1", "urn:sd:2", base); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSuperdeskVersion(ctx, "urn:sd:2", "3", true); err != nil {
		t.Fatal(err)
	}
	if err := s.PutSuperdeskAsset(ctx, &dateline.SuperdeskAsset{MediaID: "2025/a.jpg", Path: "superdesk/in/ab", Size: 10, MimeType: "image/jpeg", CreatedAt: base}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSuperdeskAssetPhoto(ctx, "2025/a.jpg", &dateline.Photo{Path: "superdesk/2025/01/ab.jpg", Width: 1600, Height: 900, Widths: []int{320, 640}}); err != nil {
		t.Fatal(err)
	}
}

func testSources(t *testing.T, s dateline.Store) {
	src := &dateline.Source{Name: " Newsroom ", Kind: dateline.SourceSuperdesk, Secret: "0123456789abcdef0123"}
	if err := s.CreateSource(ctx, src, base); err != nil {
		t.Fatal(err)
	}
	if src.ID == 0 || src.Name != "Newsroom" {
		t.Errorf("created %+v", src)
	}
	for _, bad := range []dateline.Source{
		{Name: "Newsroom", Kind: dateline.SourceSuperdesk, Secret: "0123456789abcdef0123"},
		{Name: "Short", Kind: dateline.SourceSuperdesk, Secret: "short"},
		{Name: "Kind", Kind: "ftp", Secret: "0123456789abcdef0123"},
		{Name: "two\nlines", Kind: dateline.SourceSuperdesk, Secret: "0123456789abcdef0123"},
	} {
		want := dateline.EINVALID
		if bad.Name == "Newsroom" {
			want = dateline.ECONFLICT
		}
		if err := s.CreateSource(ctx, &bad, base); dateline.ErrorCode(err) != want {
			t.Errorf("%q: %v, want %s", bad.Name, err, want)
		}
	}
	if err := s.SetSourceDisabled(ctx, "Newsroom", true); err != nil {
		t.Fatal(err)
	}
	got, err := s.Sources(ctx)
	if err != nil || len(got) != 1 || !got[0].Disabled || got[0].Secret != src.Secret || !got[0].CreatedAt.Equal(base) {
		t.Errorf("Sources = %+v, %v", got, err)
	}
	if err := s.SetSourceDisabled(ctx, "Nobody", true); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("disable unknown: %v", err)
	}
	if err := s.DeleteSource(ctx, "Newsroom"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSource(ctx, "Newsroom"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("delete twice: %v", err)
	}

	// Uploads: replaced whole by a new upload of the same id.
	if _, err := s.SuperdeskAsset(ctx, "a/b.jpg"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("unknown asset: %v", err)
	}
	a := &dateline.SuperdeskAsset{MediaID: "a/b.jpg", Path: "superdesk/in/1", Size: 5, MimeType: "image/jpeg", CreatedAt: base}
	if err := s.PutSuperdeskAsset(ctx, a); err != nil {
		t.Fatal(err)
	}
	p := &dateline.Photo{Path: "superdesk/x.jpg", Width: 1000, Height: 500, Widths: []int{320, 640, 960}}
	if err := s.SetSuperdeskAssetPhoto(ctx, "a/b.jpg", p); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SuperdeskAsset(ctx, "a/b.jpg"); err != nil || got.Photo == nil || got.Photo.Path != p.Path || len(got.Photo.Widths) != 3 || got.Size != 5 {
		t.Errorf("asset = %+v, %v", got, err)
	}
	a.Path, a.Size = "superdesk/in/2", 7
	if err := s.PutSuperdeskAsset(ctx, a); err != nil {
		t.Fatal(err)
	}
	if got, err := s.SuperdeskAsset(ctx, "a/b.jpg"); err != nil || got.Photo != nil || got.Path != "superdesk/in/2" {
		t.Errorf("re-uploaded asset = %+v, %v", got, err)
	}
}

// testSuperdeskChains: every guid of a rewrite chain leads to one
// article, whatever order the guids arrive in.
func testSuperdeskChains(t *testing.T, s dateline.Store) {
	link := func(guid, from string) dateline.SuperdeskLink {
		t.Helper()
		l, err := s.LinkSuperdesk(ctx, guid, from, guid, base)
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	// In order: G1, then G2 from G1, then G3 from G2.
	if l := link("g1", ""); l.URI != "g1" || l.Version != "" || l.Rewritten || l.Killed {
		t.Errorf("g1: %+v", l)
	}
	if err := s.SetSuperdeskVersion(ctx, "g1", "4", false); err != nil {
		t.Fatal(err)
	}
	if l := link("g1", ""); l.Version != "4" {
		t.Errorf("g1 again: %+v", l)
	}
	if l := link("g2", "g1"); l.URI != "g1" || l.Rewritten {
		t.Errorf("g2: %+v", l)
	}
	if l := link("g1", ""); !l.Rewritten {
		t.Errorf("g1 after its rewrite: %+v", l)
	}
	if l := link("g3", "g2"); l.URI != "g1" {
		t.Errorf("g3: %+v", l)
	}
	// The rewrite first: R2 from R1 arrives before R1.
	if l := link("r2", "r1"); l.URI != "r2" {
		t.Errorf("r2: %+v", l)
	}
	if l := link("r1", ""); l.URI != "r2" || !l.Rewritten {
		t.Errorf("r1 after its rewrite: %+v", l)
	}
	// The middle guid last: M3 (from M2), then M1, are two articles
	// until M2 (from M1) joins them at M1's.
	if l := link("m3", "m2"); l.URI != "m3" {
		t.Errorf("m3: %+v", l)
	}
	if l := link("m1", ""); l.URI != "m1" {
		t.Errorf("m1: %+v", l)
	}
	if l := link("m2", "m1"); l.URI != "m1" || l.Merged != "m3" || !l.Rewritten {
		t.Errorf("m2: %+v", l)
	}
	if l := link("m3", "m2"); l.URI != "m1" || l.Merged != "" {
		t.Errorf("m3 after the merge: %+v", l)
	}
	// A kill of any guid marks the chain.
	if err := s.SetSuperdeskVersion(ctx, "g2", "9", true); err != nil {
		t.Fatal(err)
	}
	for _, g := range []string{"g1", "g3"} {
		if l := link(g, ""); !l.Killed {
			t.Errorf("%s after the kill of g2: %+v", g, l)
		}
	}
	if l := link("r1", ""); l.Killed {
		t.Errorf("another chain is killed: %+v", l)
	}
	guids, err := s.SuperdeskGUIDs(ctx, "g1")
	if err != nil || len(guids) != 3 {
		t.Errorf("guids of g1: %v, %v", guids, err)
	}
}

// testSuperdeskAssetsPrune: uploads no item used go after the grace
// period, used and recent ones stay, a file another upload names stays,
// and two callers at once delete each row once.
func testSuperdeskAssetsPrune(t *testing.T, s dateline.Store) {
	put := func(id, path string, at time.Time, used bool) {
		t.Helper()
		if err := s.PutSuperdeskAsset(ctx, &dateline.SuperdeskAsset{MediaID: id, Path: path, Size: 3, MimeType: "image/jpeg", CreatedAt: at}); err != nil {
			t.Fatal(err)
		}
		if used {
			if err := s.SetSuperdeskAssetPhoto(ctx, id, &dateline.Photo{Path: "superdesk/2025/01/" + id + ".jpg", Width: 10, Height: 10}); err != nil {
				t.Fatal(err)
			}
		}
	}
	old, cutoff := base.Add(-10*24*time.Hour), base.Add(-7*24*time.Hour)
	put("old-unused", "superdesk/in/a", old, false)
	put("old-used", "superdesk/in/b", old, true)
	put("new-unused", "superdesk/in/c", base, false)
	put("old-shared", "superdesk/in/d", old, false)
	put("new-shared", "superdesk/in/d", base, false) // the same bytes, uploaded again under another id
	put("old-shared-used", "superdesk/in/e", old, false)
	put("used-shared", "superdesk/in/e", old, true)
	n, files, err := s.PruneSuperdeskAssets(ctx, cutoff, 0)
	if err != nil || n != 3 || !slices.Equal(files, []string{"superdesk/in/a"}) {
		t.Fatalf("prune: %d %v %v, want 3 rows and superdesk/in/a", n, files, err)
	}
	for id, want := range map[string]bool{"old-unused": false, "old-used": true, "new-unused": true, "old-shared": false,
		"new-shared": true, "old-shared-used": false, "used-shared": true} {
		_, err := s.SuperdeskAsset(ctx, id)
		if got := err == nil; got != want {
			t.Errorf("%s kept %v, want %v (%v)", id, got, want, err)
		}
	}
	if n, files, err := s.PruneSuperdeskAssets(ctx, cutoff, 0); err != nil || n != 0 || len(files) != 0 {
		t.Errorf("prune again: %d %v %v", n, files, err)
	}

	// Many at once, pruned by two callers in small batches: every row
	// once, every file once.
	for i := range 40 {
		put("batch-"+string(rune('a'+i%26))+string(rune('a'+i/26)), "superdesk/in/batch"+string(rune('a'+i%26))+string(rune('a'+i/26)), old, false)
	}
	var mu sync.Mutex
	rows, seen := 0, map[string]int{}
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				n, files, err := s.PruneSuperdeskAssets(ctx, cutoff, 7)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				rows += n
				for _, f := range files {
					seen[f]++
				}
				mu.Unlock()
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Wait()
	if rows != 40 || len(seen) != 40 {
		t.Errorf("two pruners deleted %d rows and %d files, want 40 and 40", rows, len(seen))
	}
	for f, c := range seen {
		if c != 1 {
			t.Errorf("%s returned %d times", f, c)
		}
	}
}
