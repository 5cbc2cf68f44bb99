package ghost

import (
	"os"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/importer"
)

func parseFile(t *testing.T) *importer.Export {
	t.Helper()
	f, err := os.Open("testdata/export.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ex, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return ex
}

func TestParse(t *testing.T) {
	ex := parseFile(t)
	if len(ex.Posts) != 7 || len(ex.Tags) != 3 || ex.TagBase != "/tag/" {
		t.Fatalf("%d posts, %d tags (the internal one left out)", len(ex.Posts), len(ex.Tags))
	}
	p := ex.Posts[0]
	if p.Key != "ghost:0b7d5a9e-0000-4000-8000-000000000001" || p.Status != dateline.StatusPublished || p.Excerpt != "The port is open." {
		t.Errorf("post 1: %+v", p)
	}
	if !p.Published.Equal(time.Date(2023, 3, 26, 0, 30, 0, 0, time.UTC)) || !p.Modified.Equal(time.Date(2023, 3, 26, 8, 0, 0, 0, time.UTC)) {
		t.Errorf("times %v %v", p.Published, p.Modified)
	}
	if len(p.Categories) != 1 || p.Categories[0].Slug != "business" || len(p.Tags) != 2 || p.Tags[1].Name != "Shipping & Ports" {
		t.Errorf("primary tag and tags: %+v %+v", p.Categories, p.Tags)
	}
	if strings.Join(p.Authors, ",") != "Ирина Волкова,Tom Lee" {
		t.Errorf("authors %v", p.Authors)
	}
	if p.Featured == nil || p.Featured.URL != "/content/images/2023/03/harbour.jpg" || p.Featured.Alt != "Cranes at dusk" || !strings.Contains(p.Featured.Caption, "The harbour at dusk") {
		t.Errorf("feature image %+v", p.Featured)
	}
	if !strings.Contains(p.HTML, `src="/content/images/2023/03/harbour.jpg"`) || strings.Contains(p.HTML, "ignored") {
		t.Errorf("html: %s", p.HTML)
	}
	if strings.Join(p.OldPaths, " ") != "/harbour-reopens" {
		t.Errorf("old paths %q", p.OldPaths)
	}
	lex := ex.Posts[1]
	for _, s := range []string{"<h2>Заголовок</h2>", "<strong>Bold </strong>", `<a href="https://example.org/a"><em>a link</em></a>`, "<ol><li>one</li></ol>",
		`<img src="/content/images/2023/03/missing.jpg" alt="gone"><figcaption>Not in the folder</figcaption>`} {
		if !strings.Contains(lex.HTML, s) {
			t.Errorf("lexical lacks %q:\n%s", s, lex.HTML)
		}
	}
	if lex.OldPaths[0] != "/лексикал" || lex.Categories[0].Slug != "культура" {
		t.Errorf("Russian slugs: %q %+v", lex.OldPaths, lex.Categories)
	}
	mob := ex.Posts[2]
	for _, s := range []string{`<p><a href="https://example.org/b">linked <em>and em</em></a></p>`, `<img src="https://cdn.example.net/x.jpg"`, "<ul><li>item</li></ul>"} {
		if !strings.Contains(mob.HTML, s) {
			t.Errorf("mobiledoc lacks %q:\n%s", s, mob.HTML)
		}
	}
	if d := ex.Posts[3]; d.Status != dateline.StatusDraft || !d.Published.IsZero() {
		t.Errorf("draft %s %v", d.Status, d.Published)
	}
	if s := ex.Posts[4]; s.Status != dateline.StatusScheduled || s.Published.Year() != 2099 {
		t.Errorf("scheduled %s %v", s.Status, s.Published)
	}
	if pg := ex.Posts[5]; pg.Kind != "page" {
		t.Errorf("page kind %q", pg.Kind)
	}
	if s := ex.Posts[6]; s.Skip == "" {
		t.Error("a post sent by email only is not skipped")
	}
}

func TestOldExport(t *testing.T) {
	// Ghost before 1.0: no db list, numbers for ids and times, page a flag.
	doc := `{"meta":{},"data":{"posts":[{"id":7,"uuid":"u7","title":"Old","slug":"old","html":"<p>x</p>","page":1,"status":"published","published_at":1388534400000,"updated_at":1388534400000}]}}`
	ex, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	p := ex.Posts[0]
	if p.Kind != "page" || !p.Published.Equal(time.Date(2014, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("%+v", p)
	}
}

func TestBadFiles(t *testing.T) {
	for _, tc := range []struct{ doc, want string }{
		{"", "ends before its JSON"},
		{"<rss/>", "not valid JSON at byte 1"},
		{`{"db":[{"data":{"posts":{"a":1}}}]}`, "db.data.posts holds a object"},
		{`{"db":[]}`, `no "db" list`},
		{`{"db":[{"data":{}}]}`, `no "posts"`},
		{`{"db":[{"data":{"posts":[{"id":true}]}}]}`, "not a Ghost export"},
		{`{"db":[{"data":{"posts":[`, "ends before its JSON"},
	} {
		_, err := Parse(strings.NewReader(tc.doc))
		if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Parse(%.40q) = %v, want one line with %q", tc.doc, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	doc, err := os.ReadFile("testdata/export.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(doc))
	f.Add(`{"db":[{"data":{"posts":[{"id":"1","lexical":"{\"root\":{\"children\":[{\"type\":\"list\",\"children\":[{\"children\":[{\"type\":\"link\"}]}]}]}}"}]}}]}`)
	f.Add(`{"db":[{"data":{"posts":[{"id":"1","mobiledoc":"{\"markups\":[[]],\"cards\":[[]],\"sections\":[[10,5],[1,\"p\",[[0,[0,9],7,\"x\"]]],[3]]}"}]}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		ex, err := Parse(strings.NewReader(doc))
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("a message of several lines: %q", err)
			}
			return
		}
		for _, p := range ex.Posts {
			if p.Skip == "" && p.Status == "" {
				t.Errorf("post %q with no status and no reason to skip it", p.Key)
			}
		}
	})
}

func FuzzRender(f *testing.F) {
	f.Add(`{"root":{"children":[{"type":"paragraph","children":[{"type":"text","text":"<b>","format":31}]}]}}`)
	f.Add(`{"sections":[[1,"h2",[[0,[0],1,"a"]]]],"markups":[["a",["href","javascript:x"]]]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		Lexical(doc)
		Mobiledoc(doc)
	})
}
