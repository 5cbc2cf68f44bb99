package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportFromSites runs dateline import --from wordpress and --from
// ghost on the sample exports twice: the second run changes nothing, and
// says so.
func TestImportFromSites(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, filepath.Join(dir, "data"))
	mapping := filepath.Join(dir, "sections.txt")
	os.WriteFile(mapping, []byte("# Ghost's tags\nbusiness = economy\n\nshipping=world  # a comment\n"), 0o644)
	for _, tc := range []struct {
		args          []string
		first, second string
		picturesIn    string
	}{
		{[]string{"--from", "wordpress", "../../importer/wordpress/testdata/export.xml", "--media-dir", "../../importer/wordpress/testdata/uploads", "--section", "football=sport", "--fetch=false", "--every", "2"},
			"9 posts read: 6 imported, 0 updated, 0 unchanged, 3 skipped (1 pages, 1 trash, 1 type nav_menu_item); 1 pictures copied, 2 missing",
			"9 posts read: 0 imported, 0 updated, 6 unchanged, 3 skipped (1 pages, 1 trash, 1 type nav_menu_item); 0 pictures copied, 0 missing; 0 old addresses recorded",
			"import/wordpress"},
		{[]string{"--from=ghost", "--sections", mapping, "--content-dir", "../../importer/ghost/testdata/content", "--fetch=false", "../../importer/ghost/testdata/export.json", "--every", "3"},
			"7 posts read: 5 imported, 0 updated, 0 unchanged, 2 skipped (1 pages, 1 sent by email only); 1 pictures copied, 2 missing",
			"7 posts read: 0 imported, 0 updated, 5 unchanged, 2 skipped (1 pages, 1 sent by email only); 0 pictures copied, 0 missing; 0 old addresses recorded",
			"import/ghost"},
	} {
		args := append(append([]string{"import"}, tc.args...), db...)
		_, errOut, err := cli(t, args...)
		if err != nil || !strings.Contains(errOut, tc.first) || !strings.Contains(errOut, " of ") {
			t.Errorf("%v: %v\n%s", tc.args[:2], err, errOut)
		}
		if m, _ := filepath.Glob(filepath.Join(dir, "data", "media", tc.picturesIn, "*.jpg")); len(m) == 0 {
			t.Errorf("no pictures copied into %s", tc.picturesIn)
		}
		_, errOut, err = cli(t, args...)
		if err != nil || !strings.Contains(errOut, tc.second) {
			t.Errorf("again %v: %v\n%s", tc.args[:2], err, errOut)
		}
	}
	store := openTestStore(t, db)
	if a, err := store.ArticleByURI(t.Context(), "ghost:0b7d5a9e-0000-4000-8000-000000000001"); err != nil || a.Section != "economy" {
		t.Errorf("the mapping file was not followed: %+v %v", a, err)
	}
}

// TestImportFromBadInput: every mistake is one line and a non-zero exit,
// and nothing is stored.
func TestImportFromBadInput(t *testing.T) {
	dir := t.TempDir()
	db := dbArgs(t, filepath.Join(dir, "data"))
	garbage := filepath.Join(dir, "garbage.xml")
	os.WriteFile(garbage, []byte("<rss><channel><item><title>cut"), 0o644)
	notGhost := filepath.Join(dir, "feed.json")
	os.WriteFile(notGhost, []byte(`{"version":"https://jsonfeed.org/version/1.1","items":[]}`), 0o644)
	badMap := filepath.Join(dir, "map.txt")
	os.WriteFile(badMap, []byte("politics\n"), 0o644)
	wxr := "../../importer/wordpress/testdata/export.xml"
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--from", "drupal", wxr}, "--from must be wordpress or ghost"},
		{[]string{"--from", "wordpress"}, "give one export file"},
		{[]string{"--from", "wordpress", filepath.Join(dir, "none.xml")}, "no such file"},
		{[]string{"--from", "wordpress", garbage}, "the file ends in the middle of an element"},
		{[]string{"--from", "ghost", notGhost}, `not a Ghost export: no "db" list`},
		{[]string{"--from", "ghost", wxr}, "not a Ghost export: not valid JSON"},
		{[]string{"--from", "wordpress", "--content-dir", dir, wxr}, "--content-dir is Ghost's"},
		{[]string{"--from", "wordpress", "--media-dir", wxr, wxr}, "is not a folder"},
		{[]string{"--from", "wordpress", "--sections", badMap, wxr}, `map.txt:1: "politics" is not`},
		{[]string{"--from", "wordpress", "--section", "politics", wxr}, "is not CATEGORY=SECTION"},
		{[]string{"--from", "wordpress", "--section", "politics=gardening", "--fetch=false", wxr}, `mapped to "gardening", which is not a section`},
		{[]string{"--from", "wordpress", "--default-section", "gardening", "--fetch=false", wxr}, `default section "gardening" is not a section`},
		{[]string{"--from", "wordpress", "--zone", "Mars/Olympus", wxr}, "is not a time zone"},
		{[]string{"--from", "ghost", "--old-url", "old.example.com", wxr}, "--old-url must be an http(s) address"},
	} {
		_, errOut, err := cli(t, append(append([]string{"import"}, tc.args...), db...)...)
		if err == nil || exitCode(err) == 0 || !strings.Contains(message(err), tc.want) || strings.Contains(message(err), "\n") {
			t.Errorf("%v: exit %d, %q (stderr %q), want one line with %q", tc.args, exitCode(err), message(err), errOut, tc.want)
		}
	}
	store := openTestStore(t, db)
	if n, err := store.CountArticles(t.Context(), ""); err != nil || n != 0 {
		t.Errorf("%d stories stored by refused imports (%v)", n, err)
	}
}
