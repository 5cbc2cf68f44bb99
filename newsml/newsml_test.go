package newsml_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/ingest"
	"dateline/newsml"
)

func service() *ingest.Service {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	return &ingest.Service{Now: func() time.Time { return now }, FallbackSection: "world"}
}

func read(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// toArticle maps an item as the importer does.
func toArticle(t *testing.T, it *newsml.Item) *dateline.Article {
	t.Helper()
	n, err := it.Ninjs()
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := service().Map(n, dateline.DefaultSections)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func date(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

func TestSamples(t *testing.T) {
	for _, tt := range []struct {
		file          string
		uri           string
		published     time.Time
		updated       time.Time
		lang, place   string
		byline        string
		pages         int
		bodyHas, lead string
	}{
		{
			file: "LISTING_1_A_NewsML-G2_News_Item.xml", uri: "urn:newsml:acmenews.com:20161018:US-FINANCE-FED",
			published: date("2016-10-18T18:12:21Z"), updated: date("2018-10-21T21:25:32Z"),
			lang: "en", place: "Berlin", byline: "Meredith Jameson",
		},
		{
			file: "LISTING_2_NewsML-G2_Text_Document.xml", uri: "urn:newsml:acmenews.com:20161121:US-FINANCE-FED",
			// No firstCreated: versionCreated stands for it.
			published: date("2018-11-21T21:25:32Z"), updated: date("2018-11-21T21:25:32Z"),
			lang: "en", place: "New York, NY", byline: "By Meredith Jameson, Staff Reporter",
			pages: 1, bodyHas: "<p>(New York, NY - October 21) Et, sent luptat luptat, commy Nim zzriureet",
		},
	} {
		t.Run(tt.file, func(t *testing.T) {
			it, err := newsml.Parse(read(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if it.GUID != tt.uri || it.Version != 11 || it.PubStatus != "usable" || !it.IsText() {
				t.Errorf("item %+v", it)
			}
			a := toArticle(t, it)
			if a.URI != tt.uri || a.Headline != `Fed to halt QE to avert "bubble"` {
				t.Errorf("uri %q headline %q", a.URI, a.Headline)
			}
			if !a.PublishedAt.Equal(tt.published) || !a.UpdatedAt.Equal(tt.updated) || !a.SourceVersion.Equal(tt.updated) {
				t.Errorf("published %v updated %v source version %v", a.PublishedAt, a.UpdatedAt, a.SourceVersion)
			}
			if a.Status != dateline.StatusPublished || a.Section != "economy" || a.Urgency != 5 || a.Breaking {
				t.Errorf("status %s section %s urgency %d", a.Status, a.Section, a.Urgency)
			}
			if a.Lang != tt.lang || a.Place != tt.place || a.Byline != tt.byline {
				t.Errorf("lang %q place %q byline %q", a.Lang, a.Place, a.Byline)
			}
			if len(a.Pages) != tt.pages || (tt.pages > 0 && !strings.HasPrefix(a.Pages[0], tt.bodyHas)) {
				t.Errorf("pages %q", a.Pages)
			}
		})
	}
	// The first listing: its other subject becomes a topic, and its
	// embargo (long past) does not hold it back.
	it, _ := newsml.Parse(read(t, "LISTING_1_A_NewsML-G2_News_Item.xml"))
	if !it.Embargoed.Equal(date("2018-10-23T12:00:00Z")) || len(it.Signals) != 1 || !strings.HasPrefix(it.EdNote, "Note to editors") {
		t.Errorf("embargo %v signals %v ednote %q", it.Embargoed, it.Signals, it.EdNote)
	}
	if a := toArticle(t, it); len(a.Topics) != 1 || a.Topics[0].Name != "labour market" {
		t.Errorf("topics %+v", a.Topics)
	}
}

func TestNewsMessage(t *testing.T) {
	items, err := newsml.ParseAll(read(t, "newsmessage.xml"))
	if err != nil {
		t.Fatal(err)
	}
	// The picture goes with the story that links to it.
	if len(items) != 2 || items[0].Index != 1 || items[1].Index != 2 || len(items[0].Pictures) != 1 {
		t.Fatalf("%d items: %+v", len(items), items)
	}
	if _, err := newsml.Parse(read(t, "newsmessage.xml")); err == nil || !strings.Contains(err.Error(), "ParseAll") {
		t.Errorf("Parse of two items: %v", err)
	}

	a := toArticle(t, items[0])
	for _, c := range []struct {
		what      string
		got, want any
	}{
		{"uri", a.URI, "urn:newsml:dateline.test:20260302:summit"},
		{"headline", a.Headline, "Leaders move the summit to May & June"},
		{"lead", a.Lead, "The meeting is put off by a month."},
		{"section (from a broader media topic)", a.Section, "politics"},
		{"status", a.Status, dateline.StatusPublished},
		{"published", a.PublishedAt, date("2026-03-02T05:00:00Z")},
		{"updated", a.UpdatedAt, date("2026-03-02T05:55:00Z")},
		{"urgency", a.Urgency, 2},
		{"lang", a.Lang, "en"},
		{"place (in the item's language)", a.Place, "Moscow"},
		{"byline", a.Byline, "By Anna Petrova"},
		{"pages", len(a.Pages), 2},
		{"persons", len(a.Persons) == 1 && a.Persons[0].Name == "Jane Doe", true},
		{"topics", len(a.Topics) == 1 && a.Topics[0].Name == "summit", true},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.what, c.got, c.want)
		}
	}
	if len(a.Pages) == 2 {
		p := a.Pages[0]
		for _, want := range []string{`<a href="https://example.com/summit"`, "May.<br>Officials", "Talks go on &lt;in private&gt; ."} {
			if !strings.Contains(p, want) {
				t.Errorf("page 1 lacks %q: %s", want, p)
			}
		}
		for _, bad := range []string{"<script", "alert", "onclick", "Summit moved", "<html", "<body"} {
			if strings.Contains(p, bad) {
				t.Errorf("page 1 keeps %q: %s", bad, p)
			}
		}
		if a.Pages[1] != "<p>Page two.</p>" {
			t.Errorf("page 2 %q", a.Pages[1])
		}
	}
	if p := a.Photo; p == nil || p.Remote != "https://photos.example.com/summit-2000.jpg" || p.Width != 2000 ||
		p.Caption != "The hall where the summit was to be held." || p.Credit != "Dateline/Ivan Sidorov" {
		t.Errorf("photo %+v", a.Photo)
	}

	b := toArticle(t, items[1])
	if b.Status != dateline.StatusWithdrawn || b.Section != "sport" || b.Lang != "de" ||
		strings.Join(b.Pages, "") != "<p>Das Spiel findet nicht statt.</p><p>Der Verein nennt keinen Grund.</p>" {
		t.Errorf("canceled item: status %s section %s lang %s pages %q", b.Status, b.Section, b.Lang, b.Pages)
	}
}

// A message item that cannot be read is named by its position; the
// others still come through.
func TestNewsMessagePartial(t *testing.T) {
	doc := message(item(`guid="urn:a"`, "<headline>A</headline>"), item(`guid="urn:b"`, ""), item(`guid="urn:c"`, "<headline>C</headline>"))
	items, err := newsml.ParseAll([]byte(doc))
	if len(items) != 2 || items[0].GUID != "urn:a" || items[1].Index != 3 {
		t.Errorf("items %+v", items)
	}
	errs := newsml.Errors(err)
	if len(errs) != 1 || errs[0].Index != 2 || errs[0].GUID != "urn:b" || errs[0].Message != "The newsItem has no headline." ||
		err.Error() != "item 2: The newsItem has no headline." {
		t.Errorf("errors %v", err)
	}
}

func TestPictureAlone(t *testing.T) {
	doc := strings.Replace(item(`guid="urn:p"`, ""), "ninat:text", "ninat:picture", 1)
	it, err := newsml.Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := it.Ninjs(); err == nil || !strings.Contains(err.Error(), "only text items") {
		t.Errorf("picture item as an article: %v", err)
	}
}

func TestEncodings(t *testing.T) {
	latin1 := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n" + item(`guid="urn:l"`, "<headline>Caf\xe9</headline>")
	it, err := newsml.Parse([]byte(latin1))
	if err != nil || it.Headlines[0].Value != "Café" {
		t.Errorf("latin-1: %v %+v", err, it)
	}
	bom := "\ufeff" + item(`guid="urn:b"`, "<headline>BOM</headline>")
	if _, err := newsml.Parse([]byte(bom)); err != nil {
		t.Errorf("byte order mark: %v", err)
	}
}

// item is a minimal valid newsItem with the given root attributes and
// contentMeta.
func item(attrs, contentMeta string) string {
	return `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" ` + attrs + ` version="1" standard="NewsML-G2" standardversion="2.35">
<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:X"/><versionCreated>2026-01-02T10:00:00Z</versionCreated></itemMeta>
<contentMeta>` + contentMeta + `</contentMeta></newsItem>`
}

func message(items ...string) string {
	return `<newsMessage xmlns="http://iptc.org/std/nar/2006-10-01/"><header><sent>2026-01-02T10:00:00Z</sent></header><itemSet>` +
		strings.Join(items, "") + `</itemSet></newsMessage>`
}

func TestParseInvalid(t *testing.T) {
	good := item(`guid="urn:x"`, "<headline>X</headline>")
	swap := func(old, new string) string {
		if !strings.Contains(good, old) {
			panic(old)
		}
		return strings.Replace(good, old, new, 1)
	}
	nested := strings.Repeat("<x>", 1000) + strings.Repeat("</x>", 1000)
	deeper := strings.Repeat("<x>", 200000) // fails on depth before the end is seen
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
` + swap("<headline>X</headline>", "<headline>&lol3;</headline>")
	for _, tt := range []struct {
		name, doc, want string
	}{
		{"empty", "  \n", "empty"},
		{"JSON", `{"uri": "urn:x", "headlines": [{"value": "X"}]}`, "not XML"},
		{"text", "Moscow, March 2 - The summit moved.", "not XML"},
		{"HTML", "<!DOCTYPE html><html><body><p>x</p></body></html>", "DOCTYPE"},
		{"XHTML", `<html xmlns="http://www.w3.org/1999/xhtml"><body><p>x</p></body></html>`, "root element is <html>"},
		{"not well-formed", `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">` + "\n<p>x<br></p></newsItem>", "not well-formed XML (line 2: element <br> closed by </p>)"},
		{"billion laughs", laughs, "DOCTYPE"},
		{"external entity", `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + swap("X</headline>", "&xxe;</headline>"), "DOCTYPE"},
		{"undeclared entity", swap("X</headline>", "&lol;</headline>"), "not well-formed"},
		{"nested", swap("<headline>X</headline>", "<headline>X</headline>"+nested), "more than 100 deep"},
		{"deeply nested", swap("<headline>X</headline>", deeper), "more than 100 deep"},
		{"huge", swap("<headline>X</headline>", "<headline>X</headline><!--"+strings.Repeat("x", newsml.MaxSize)+"-->"), "larger than 16 MB"},
		{"no namespace", strings.Replace(good, ` xmlns="http://iptc.org/std/nar/2006-10-01/"`, "", 1), "not in the NewsML-G2 namespace"},
		{"other namespace", strings.Replace(good, `2006-10-01/"`, `2006-10-02/"`, 1), "not in the NewsML-G2 namespace"},
		{"packageItem", strings.ReplaceAll(good, "newsItem", "packageItem"), "root element is <packageItem>"},
		{"no guid", swap(`guid="urn:x"`, ""), "no guid"},
		{"blank guid", swap(`guid="urn:x"`, `guid=" "`), "no guid"},
		{"no headline", swap("<headline>X</headline>", "<slugline>X</slugline>"), "no headline"},
		{"blank headline", swap("<headline>X</headline>", "<headline> <span/> </headline>"), "no headline"},
		{"no versionCreated", swap("<versionCreated>2026-01-02T10:00:00Z</versionCreated>", ""), "versionCreated is required"},
		{"bad versionCreated", swap("2026-01-02T10:00:00Z", "yesterday"), `versionCreated is not a date and time: "yesterday"`},
		{"bad month", swap("2026-01-02T10:00:00Z", "2026-13-02T10:00:00Z"), "versionCreated is not a date"},
		{"bad firstCreated", swap("</versionCreated>", "</versionCreated><firstCreated>2026-02-30</firstCreated>"), "firstCreated is not a date"},
		{"bad embargoed", swap("</versionCreated>", "</versionCreated><embargoed>soon</embargoed>"), "embargoed is not a date"},
		{"bad pubStatus", swap("</versionCreated>", `</versionCreated><pubStatus qcode="stat:maybe"/>`), "pubStatus"},
		{"bad urgency", swap("<headline>", "<urgency>high</urgency><headline>"), "urgency"},
		{"urgency out of range", swap("<headline>", "<urgency>0</urgency><headline>"), "from 1 to 9"},
		{"bad version", swap(`version="1"`, `version="v2"`), "version"},
		{"bad base64", swap("</contentMeta>", `</contentMeta><contentSet><inlineData contenttype="text/plain" encoding="enc:base64">!!!</inlineData></contentSet>`), "base64"},
		{"two roots", good + good, "more than one root"},
		{"text after the root", good + " trailing", "text outside"},
		{"truncated", good[:len(good)-20], "not well-formed"},
		{"not UTF-8", swap("<headline>X", "<headline>\xff\xfe"), "not well-formed"},
		{"other encoding", `<?xml version="1.0" encoding="Shift_JIS"?>` + good, `"Shift_JIS" is not supported`},
		{"empty message", message(), "holds no newsItem"},
		{"message of one bad item", message(swap(`guid="urn:x"`, "")), "item 1: The newsItem has no guid."},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newsml.Parse([]byte(tt.doc))
			var e *newsml.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want a *newsml.Error", err, err)
			}
			if msg := err.Error(); !strings.Contains(msg, tt.want) || strings.Contains(msg, "\n") || len(msg) > 300 {
				t.Errorf("got %q, want one short line with %q", msg, tt.want)
			}
		})
	}
}

// TestSchema checks the test documents against the NewsML-G2 2.35 XSD, so
// that what the tests feed the parser is real NewsML-G2. It needs xmllint
// (Debian: libxml2-utils).
func TestSchema(t *testing.T) {
	if _, err := exec.LookPath("xmllint"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("xmllint is required under CI (apt-get install libxml2-utils)")
		}
		t.Skip("xmllint is not installed (apt-get install libxml2-utils)")
	}
	files, _ := filepath.Glob("testdata/*.xml")
	if len(files) < 3 {
		t.Fatalf("test documents: %v", files)
	}
	args := append([]string{"--noout", "--nonet", "--schema", "testdata/NewsML-G2_2.35-spec-All-Power.xsd"}, files...)
	out, err := exec.Command("xmllint", args...).CombinedOutput()
	if err != nil {
		t.Errorf("xmllint: %v\n%s", err, out)
	}
}

// FuzzParse reads arbitrary documents: it never panics, every refusal is a
// *newsml.Error, and what is accepted maps to an article or is refused by
// ingest with a domain error.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		f.Add(data)
	}
	f.Add([]byte(message(item(`guid="urn:a"`, "<headline>A</headline>"), item(`guid="urn:b"`, ""))))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "aa">]><newsItem xmlns="http://iptc.org/std/nar/2006-10-01/">&a;</newsItem>`))
	f.Add([]byte(item(`guid="urn:h"`, `<headline>&lt;img src=x onerror=alert(1)&gt;</headline></contentMeta><contentSet><inlineXML><html xmlns="http://www.w3.org/1999/xhtml"><body><svg onload="alert(1)"/><p><a href="javascript:alert(1)">x</a></p></body></html></inlineXML></contentSet><contentMeta>`)))
	s := service()
	f.Fuzz(func(t *testing.T, data []byte) {
		items, err := newsml.ParseAll(data)
		for _, e := range newsml.Errors(err) {
			if e.Message == "" || e.Message == "The document cannot be read." {
				t.Fatalf("not a *newsml.Error: %v", err)
			}
		}
		for _, it := range items {
			if strings.TrimSpace(it.GUID) == "" || (it.IsText() && len(it.Headlines) == 0) || it.VersionCreated.IsZero() {
				t.Fatalf("accepted %+v", it)
			}
			n, err := it.Ninjs()
			if err != nil {
				continue
			}
			a, _, err := s.Map(n, dateline.DefaultSections)
			if err != nil {
				if dateline.ErrorCode(err) == dateline.EINTERNAL {
					t.Fatalf("internal error: %v", err)
				}
				continue
			}
			for _, p := range a.Pages {
				low := strings.ToLower(p)
				for _, bad := range []string{"<script", "javascript:", " onload", " onerror", "<svg", "<iframe"} {
					if strings.Contains(low, bad) {
						t.Fatalf("page keeps %q: %s", bad, p)
					}
				}
			}
		}
	})
}

// TestCorrectionSignal: an item with the signal sig:correction is a
// correction whose text is its edNote; without it the edNote is an
// advisory (on an update) as in ninjs.
func TestCorrectionSignal(t *testing.T) {
	doc := func(signal, note string) []byte {
		return []byte(`<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:c:1" version="2" standard="NewsML-G2" standardversion="2.35">
 <itemMeta><itemClass qcode="ninat:text"/><versionCreated>2026-11-27T10:00:00Z</versionCreated>` + signal + `<edNote>` + note + `</edNote></itemMeta>
 <contentMeta><headline>The vote</headline></contentMeta></newsItem>`)
	}
	for _, c := range []struct {
		signal, note, correction, advisory string
	}{
		{`<signal qcode="sig:correction"/>`, "The vote was on Tuesday.", "The vote was on Tuesday.", ""},
		{`<signal qcode="sig:correction"/>`, "CORRECTS the date of the vote", "Corrects the date of the vote", ""},
		{`<signal qcode="sig:update"/>`, "Adds the result.", "", "Adds the result."},
	} {
		it, err := newsml.Parse(doc(c.signal, c.note))
		if err != nil {
			t.Fatal(err)
		}
		a := toArticle(t, it)
		if a.WireVersion != "2" {
			t.Errorf("version %q", a.WireVersion)
		}
		switch {
		case c.correction != "" && (len(a.Corrections) != 1 || a.Corrections[0].Text != c.correction):
			t.Errorf("%s %q: corrections %+v", c.signal, c.note, a.Corrections)
		case c.advisory != "" && (a.Advisory != c.advisory || len(a.Corrections) != 0):
			t.Errorf("%s %q: advisory %q corrections %+v", c.signal, c.note, a.Advisory, a.Corrections)
		}
	}
}
