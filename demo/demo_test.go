package demo

import (
	"context"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/media"
	"dateline/sqlite"
)

func TestLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := sqlite.Open(ctx, filepath.Join(dir, "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, s := range dateline.DefaultSections {
		store.SaveSection(ctx, &s)
	}
	now := time.Now()
	n, err := Load(ctx, store, media.Dir{Root: filepath.Join(dir, "media")}, now)
	if err != nil {
		t.Fatal(err)
	}
	if n < 89 {
		t.Errorf("%d articles; the seed article, its read-also, 7 most read and at least 80 more make 89", n)
	}
	as, _ := store.Articles(ctx, dateline.ArticleFilter{Limit: 200})
	sections, ru := map[string]int{}, 0
	for _, a := range as {
		sections[a.Section]++
		if a.Lang == "ru" {
			ru++
		}
		if now.Sub(a.PublishedAt) > 14*24*time.Hour || a.PublishedAt.After(now) {
			t.Errorf("%q published %v, outside the last 14 days", a.Headline, a.PublishedAt)
		}
		if a.Photo != nil {
			checkImage(t, filepath.Join(dir, "media", a.Photo.Path), a.Photo.Width)
			checkImage(t, filepath.Join(dir, "media", a.Photo.Rendition(480)), 480)
		}
	}
	if len(sections) != 8+len(SectionsRU) || ru < 8 {
		t.Errorf("sections %v, %d in Russian", sections, ru)
	}
	// The Russian edition's stories are in its sections, and two of
	// them are translations of English ones.
	for _, a := range as {
		if (a.Lang == "ru") != strings.Contains(" politika mir ekonomika nauka obschestvo sportivnye-novosti ", " "+a.Section+" ") {
			t.Errorf("%q (%s) is in section %s", a.Headline, a.Lang, a.Section)
		}
	}
	ruCut, err := store.ArticleByURI(ctx, uri("p3-ru-cbr-rate-cut"))
	if err != nil {
		t.Fatal(err)
	}
	if tr, err := store.Translations(ctx, ruCut.ID); err != nil || len(tr) != 1 || tr[0].Lang != "en" {
		t.Errorf("translations of the Russian rate cut story = %+v, %v; want the English one", tr, err)
	}
	seed, err := store.ArticleByURI(ctx, uri("p1-lavrov-terrorists"))
	if err != nil {
		t.Fatal(err)
	}
	if len(seed.Topics) != 2 || len(seed.Persons) != 1 || len(seed.ReadAlso) != 1 || seed.ReadAlso[0].ID == 0 || seed.Photo == nil {
		t.Errorf("seed article: %+v", seed)
	}
	gs, _ := store.Galleries(ctx, 10)
	is, _ := store.Infographics(ctx, 10)
	if len(gs) < 5 || len(is) < 5 {
		t.Errorf("%d galleries, %d infographics", len(gs), len(is))
	}
	for _, g := range is {
		checkImage(t, filepath.Join(dir, "media", g.Images[0].Path), g.Images[0].Width)
	}
	top, _ := store.TopStories(ctx)
	if len(top) < 5 {
		t.Errorf("%d top stories", len(top))
	}
	stories := 0
	for i, item := range top {
		switch {
		case item.Story != nil:
			stories++
			if item.Article != nil || len(item.Story.Articles) == 0 {
				t.Errorf("top story %d: a story page without its newest article: %+v", i, item)
			}
		case item.Article == nil || !item.Article.Public():
			t.Errorf("top story %d is not a published article: %+v", i, item)
		}
	}
	if stories != 1 {
		t.Errorf("%d story pages among the top stories, want 1", stories)
	}
	st, err := store.Story(ctx, "conflict-in-syria")
	if err != nil || len(st.Articles) != 7 {
		t.Errorf("the demo story page: %v", err)
	}
}

func checkImage(t *testing.T, path string, width int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Error(err)
		return
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width != width {
		t.Errorf("%s: %v, width %d want %d", path, err, cfg.Width, width)
	}
}

func TestGeneratorIsDeterministic(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	g1, err := NewGenerator(7, now, 30, 200)
	if err != nil {
		t.Fatal(err)
	}
	g2, _ := NewGenerator(7, now, 30, 200)
	words := 0
	for i := range 200 {
		a, b := g1.Article(i), g2.Article(i)
		if a.Headline != b.Headline || a.PublishedAt != b.PublishedAt || len(a.Pages) != len(b.Pages) {
			t.Fatalf("article %d differs", i)
		}
		if a.PublishedAt.After(now) || now.Sub(a.PublishedAt) > 30*24*time.Hour {
			t.Errorf("article %d at %v", i, a.PublishedAt)
		}
		for _, p := range a.Pages {
			words += len(p) / 6
		}
	}
	if avg := words / 200; avg < 150 || avg > 900 {
		t.Errorf("average length about %d words", avg)
	}
}

// TestRussianSectionAddresses: the Russian edition's sections have
// addresses of their own words, none an English one with "-ru" added
// (issue 17, point 18).
func TestRussianSectionAddresses(t *testing.T) {
	for _, s := range SectionsRU {
		if strings.HasSuffix(s.Slug, "-ru") || s.Lang != "ru" {
			t.Errorf("Russian section %q at /ru/%s", s.Name, s.Slug)
		}
	}
}
