package site

import (
	"fmt"
	"testing"
)

// An index longer than a page is read a page at a time, each page going
// on from the last entry of the one before, and every entry once.
func TestIndexSlicePages(t *testing.T) {
	var all []indexEntry
	for i := range indexPageSize*2 + 5 {
		all = append(all, indexEntry{Href: fmt.Sprintf("/topics/t%04d", i)})
	}
	seen, after, pages := 0, "", 0
	for {
		page, next := indexSlice(all, after)
		pages++
		for _, e := range page {
			if want := fmt.Sprintf("/topics/t%04d", seen); e.Href != want {
				t.Fatalf("page %d: %s, want %s", pages, e.Href, want)
			}
			seen++
		}
		if next == "" {
			break
		}
		after = next
	}
	if pages != 3 || seen != len(all) {
		t.Errorf("%d pages of %d entries, want 3 of %d", pages, seen, len(all))
	}
	if page, next := indexSlice(all, "zzz"); len(page) != 0 || next != "" {
		t.Errorf("after the last entry: %d entries, next %q", len(page), next)
	}
}
