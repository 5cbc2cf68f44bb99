package feed

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with what the encoders write now")

// golden compares got with testdata/name.golden, printing a line diff
// when they differ; with -update it rewrites the file instead.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run go test ./feed -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (- want, + got; go test ./feed -update accepts it):\n%s", name, file, diff(string(want), string(got)))
	}
}

// diff is a line diff: the common prefix and suffix are left out, and
// the lines between are shown as removed and added.
func diff(a, b string) string {
	x, y := strings.Split(a, "\n"), strings.Split(b, "\n")
	i := 0
	for i < len(x) && i < len(y) && x[i] == y[i] {
		i++
	}
	j, k := len(x), len(y)
	for j > i && k > i && x[j-1] == y[k-1] {
		j, k = j-1, k-1
	}
	var out strings.Builder
	fmt.Fprintf(&out, "@@ line %d @@\n", i+1)
	for _, l := range x[i:j] {
		out.WriteString("- " + l + "\n")
	}
	for _, l := range y[i:k] {
		out.WriteString("+ " + l + "\n")
	}
	return out.String()
}

var (
	site     = Site{Name: "Dateline", BaseURL: "https://news.example", Hub: "https://hub.example/"}
	noHub    = Site{Name: "Dateline", BaseURL: "https://news.example"}
	moment   = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)
	testFeed = &Feed{
		Lang: "en", Title: "Dateline: Science & \"Space\"", Description: "Science: the latest news from Dateline.",
		Page: "https://news.example/science", Path: "/science/feed", Updated: moment.Add(2 * time.Hour),
		Items: []Item{
			{
				URL: "https://news.example/science/2", Title: "Partner: Rocket <test> lifts off", Summary: "The lead, with a\x01 control character.",
				Content: Content(Story{Advisory: "Embargo until noon", Lead: "The lead <b>not bold</b>",
					Image: &Image{URL: "https://news.example/media/2026/11/rocket.jpg", Type: "image/jpeg", Width: 1200, Height: 800,
						Caption: "The rocket", Credit: "Photo: A. Photographer"}, Alt: `A "rocket"`,
					Pages:       []string{`<p>First page with <a href="/science/1">a link</a> and <img src="//cdn.example/x.png">.</p>`, "<p>Second page.</p>"},
					Corrections: []dateline.Correction{{At: moment.Add(time.Hour), Text: "An earlier version misspelt the launch site's name."}}},
					"https://news.example"),
				Byline: "By A. Reporter", Lang: "en", Published: moment, Updated: moment.Add(2 * time.Hour),
				Section: dateline.Section{Slug: "science", Name: "Science"}, Commercial: "Partner",
				Topics: []dateline.Topic{{Slug: "space", Name: "Space"}, {Slug: "rockets", Name: "Rockets & launchers"}},
				Image:  &Image{URL: "https://news.example/media/2026/11/rocket.jpg", Type: "image/jpeg", Width: 1200, Height: 800, Caption: "The rocket", Credit: "Photo: A. Photographer"},
			},
			{
				URL: "https://news.example/ru/nauka/1", Title: "Ракета", Lang: "ru", Published: moment, Updated: moment,
				Section: dateline.Section{Slug: "nauka", Name: "Наука"},
			},
		},
	}
)

func TestFeedsGolden(t *testing.T) {
	for _, tc := range []struct {
		name string
		site Site
		enc  func(Site, *Feed) ([]byte, error)
	}{
		{"rss", site, RSS}, {"atom", site, Atom}, {"json", site, JSON},
		{"rss-nohub", noHub, RSS}, {"atom-nohub", noHub, Atom}, {"json-nohub", noHub, JSON},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.enc(tc.site, testFeed)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(tc.name, "json") {
				if !json.Valid(b) {
					t.Fatalf("not JSON:\n%s", b)
				}
			} else {
				wellFormed(t, b)
			}
			golden(t, "feed-"+tc.name, b)
		})
	}
}

func TestEmptyFeed(t *testing.T) {
	fd := &Feed{Lang: "ru", Title: "Dateline (Русский)", Page: "https://news.example/ru/", Path: "/ru/feed", Updated: moment}
	for name, enc := range map[string]func(Site, *Feed) ([]byte, error){"rss": RSS, "atom": Atom, "json": JSON} {
		b, err := enc(noHub, fd)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "feed-empty-"+name, b)
	}
}

func TestSitemapsGolden(t *testing.T) {
	idx, err := Index([]IndexEntry{
		{Loc: "https://news.example/sitemaps/news.xml"},
		{Loc: "https://news.example/sitemaps/sections.xml", Modified: "2026-11-03T09:30:00Z"},
		{Loc: "https://news.example/sitemaps/articles-2026-11.xml", Modified: "2026-11-03T09:30:00Z"},
	})
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, idx)
	golden(t, "sitemap-index", idx)

	images := NewURLSet(Images, 2)
	images.Add(URL{Loc: "https://news.example/science/1", Lastmod: "2026-11-03T09:30:00Z", Image: &ImageLoc{Loc: "https://news.example/media/a&b.jpg"}})
	images.Add(URL{Loc: "https://news.example/ru/nauka/2", Lastmod: "2026-11-03T10:30:00Z"})
	b, err := images.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b)
	golden(t, "sitemap-articles", b)

	news := NewURLSet(NewsSet, 1)
	news.Add(URL{Loc: "https://news.example/science/1", News: &News{Name: "Dateline", Language: "en",
		Published: "2026-11-03T09:30:00Z", Title: "Rockets <& launchers>\x02"}})
	if b, err = news.Bytes(); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, b)
	golden(t, "sitemap-news", b)

	plain := NewURLSet(Plain, 0)
	if b, err = plain.Bytes(); err != nil {
		t.Fatal(err)
	}
	golden(t, "sitemap-empty", b)
}

// wellFormed fails unless b is a well-formed XML document.
func wellFormed(t *testing.T, b []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, b)
			}
			return
		}
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"plain":              "plain",
		"tab\tnl\ncr\r":      "tab\tnl\ncr\r",
		"bell\x07 nul\x00":   "bell nul",
		"bad \xff utf8":      "bad  utf8",
		"nonchar \uFFFE end": "nonchar  end",
		"Русский":            "Русский",
	} {
		if got := clean(in); got != want {
			t.Errorf("clean(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImageType(t *testing.T) {
	for in, want := range map[string]string{"a.png?w=1": "image/png", "b.WEBP": "image/webp", "c": "image/jpeg", "d.gif#x": "image/gif", "e.avif": "image/avif"} {
		if got := ImageType(in); got != want {
			t.Errorf("ImageType(%q) = %q, want %q", in, got, want)
		}
	}
}
