package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dateline"
)

// TestImportNewsML imports a folder of NewsML-G2 files next to ninjs files:
// each file's format is told by its content, a newsMessage gives several
// articles, and refused files and items are named.
func TestImportNewsML(t *testing.T) {
	dir := t.TempDir()
	wire := filepath.Join(dir, "wire")
	write := func(name, content string) string {
		t.Helper()
		path := filepath.Join(wire, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	for _, name := range []string{"LISTING_1_A_NewsML-G2_News_Item.xml", "LISTING_2_NewsML-G2_Text_Document.xml", "newsmessage.xml"} {
		data, err := os.ReadFile(filepath.Join("../../newsml/testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		write(name, string(data))
	}
	item := func(guid, contentMeta string) string {
		return `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" ` + guid + ` version="1" standard="NewsML-G2" standardversion="2.35">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/><versionCreated>2026-01-02T10:00:00Z</versionCreated></itemMeta>
<contentMeta><subject qcode="medtop:13000000"/>` + contentMeta + `</contentMeta></newsItem>`
	}
	write("sub/bad.xml", item("", "<headline>No guid</headline>"))
	write("sub/partial.xml", `<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-01-02T10:00:00Z</sent></header><itemSet>`+
		item(`guid="urn:test:partial-1"`, "<headline>Good</headline>")+item(`guid="urn:test:partial-2"`, "")+`</itemSet></newsMessage>`)
	write(".hidden.xml", "not read")
	write("notes.txt", "not read")
	// An XML document under a .json name is still read as XML.
	named := filepath.Join(dir, "story.json")
	os.WriteFile(named, []byte("\n  "+item(`guid="urn:test:json-named"`, "<headline>Named .json</headline>")), 0o644)
	examples, _ := filepath.Glob("../../testdata/ninjs/*.json")

	db := dbArgs(t, filepath.Join(dir, "data"))
	args := append(append([]string{"import"}, db...), wire, named, examples[0])
	out, errOut, err := cli(t, args...)
	if err == nil || exitCode(err) == 0 {
		t.Errorf("import with refused documents succeeded: %v", err)
	}
	for _, want := range []string{
		filepath.Join(wire, "sub/bad.xml") + ": The newsItem has no guid.",
		filepath.Join(wire, "sub/partial.xml") + " (item 2): The newsItem has no headline.",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// 2 listings, 2 items of newsmessage.xml, bad.xml, 2 items of
	// partial.xml, story.json and a ninjs example.
	if !strings.Contains(out, "9 documents read") || !strings.Contains(out, "7 created") || !strings.Contains(out, "2 refused") {
		t.Errorf("first import: %q\n%s", out, errOut)
	}
	out, _, _ = cli(t, args...)
	if !strings.Contains(out, "0 created, 0 updated, 7 unchanged") {
		t.Errorf("second import: %q", out)
	}

	store := openTestStore(t, db)
	ctx := context.Background()
	for uri, want := range map[string]struct {
		section  string
		status   dateline.Status
		headline string
	}{
		"urn:newsml:acmenews.com:20161121:US-FINANCE-FED": {"economy", dateline.StatusPublished, `Fed to halt QE to avert "bubble"`},
		"urn:newsml:dateline.test:20260302:summit":        {"politics", dateline.StatusPublished, "Leaders move the summit to May & June"},
		"urn:newsml:dateline.test:20260302:match":         {"sport", dateline.StatusWithdrawn, "Spiel abgesagt"},
		"urn:test:partial-1":                              {"science", dateline.StatusPublished, "Good"},
		"urn:test:json-named":                             {"science", dateline.StatusPublished, "Named .json"},
	} {
		a, err := store.ArticleByURI(ctx, uri)
		if err != nil {
			t.Errorf("%s: %v", uri, err)
			continue
		}
		if a.Section != want.section || a.Status != want.status || a.Headline != want.headline {
			t.Errorf("%s: section %s status %s headline %q", uri, a.Section, a.Status, a.Headline)
		}
	}
	if a, err := store.ArticleByURI(ctx, "urn:newsml:acmenews.com:20161121:US-FINANCE-FED"); err == nil &&
		(len(a.Pages) != 1 || !strings.HasPrefix(a.Pages[0], "<p>(New York, NY - October 21)")) {
		t.Errorf("body %q", a.Pages)
	}

	// A folder with nothing to import is a mistake on the command line.
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	_, _, err = cli(t, append(append([]string{"import"}, db...), empty)...)
	if err == nil || !strings.Contains(message(err), "is a folder with no .xml") {
		t.Errorf("empty folder: %v", err)
	}
}
