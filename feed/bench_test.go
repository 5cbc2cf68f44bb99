package feed

import (
	"strconv"
	"testing"
	"time"
)

// BenchmarkMonthSitemap writes one month file of sitemaps (2,500 stories
// with photos), the largest document a cold request renders.
func BenchmarkMonthSitemap(b *testing.B) {
	for b.Loop() {
		set := NewURLSet(Images, 2500)
		for i := range 2500 {
			set.Add(URL{Loc: "https://news.example/politics/" + strconv.Itoa(1_000_000+i), Lastmod: "2026-10-03T09:30:00Z",
				Image: &ImageLoc{Loc: "https://news.example/media/2026/10/photo-" + strconv.Itoa(i) + ".jpg"}})
		}
		if _, err := set.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRSS writes a feed of 30 full stories.
func BenchmarkRSS(b *testing.B) {
	fd := *testFeed
	fd.Items = nil
	for range 15 {
		fd.Items = append(fd.Items, testFeed.Items...)
	}
	fd.Updated = time.Now()
	for b.Loop() {
		if _, err := RSS(site, &fd); err != nil {
			b.Fatal(err)
		}
	}
}
