package dateline

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Status is where an article stands in its life.
type Status string

const (
	StatusDraft     Status = "draft"     // not public
	StatusScheduled Status = "scheduled" // public at EmbargoUntil
	StatusPublished Status = "published" // public
	StatusWithdrawn Status = "withdrawn" // was public, now answers 410
)

// Valid reports whether s is one of the six statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusDraft, StatusSubmitted, StatusScheduled, StatusPublished, StatusWithdrawn, StatusWithheld:
		return true
	}
	return false
}

// Section is a part of the site, such as politics or sport. Codes are the
// identifiers (IPTC subject codes, genre literals, URIs) that incoming items
// are matched against to find their section.
type Section struct {
	ID       int64
	Slug     string
	Name     string
	Position int
	Codes    []string
	// Lang is the edition the section belongs to: "en" (the main
	// edition, at /) or "ru" (at /ru/). Empty means "en".
	Lang string
}

// reservedSlugs are the first path segments the site uses for itself.
var reservedSlugs = map[string]bool{
	"api": true, "news": true, "static": true, "media": true, "topics": true, "persons": true,
	"photo": true, "infographics": true, "healthz": true, "search": true, "newsroom": true,
	"feed": true, "feeds": true, "wire": true, "stories": true, "sitemaps": true, "sitemap.xml": true, "feed.rss": true, "feed.atom": true, "feed.json": true, "sitemap": true, "robots.txt": true, "favicon.ico": true, "ru": true, "en": true,
	"currency": true, "city": true, "reading-mode": true, "reading-mode.css": true, "opensearch.xml": true,
}

// Validate checks a section's slug and name. Returns EINVALID.
func (s *Section) Validate() error {
	if s.Name == "" || len(s.Name) > 200 {
		return Errorf(EINVALID, "A section needs a name of at most 200 characters.")
	}
	if s.Slug == "" || len(s.Slug) > 40 || Slugify(s.Slug) != s.Slug {
		return Errorf(EINVALID, "A section's slug is 1 to 40 lower-case letters, digits and hyphens, not %q.", s.Slug)
	}
	if reservedSlugs[s.Slug] {
		return Errorf(EINVALID, "The slug %q is used by the site itself.", s.Slug)
	}
	if s.Lang == "" {
		s.Lang = LangMain
	}
	if !Editions[s.Lang] {
		return Errorf(EINVALID, "A section belongs to the English (en) or Russian (ru) edition, not %q.", truncateText(s.Lang, 20))
	}
	return nil
}

// Topic is a subject tag such as "Syrian conflict".
type Topic struct {
	ID   int64
	Slug string
	Name string
}

// Person is a person tag such as "Sergey Lavrov".
type Person struct {
	ID   int64
	Slug string
	Name string
}

// Photo is an image with its caption and credit. Path is relative to the
// media store; when the photo has been prepared in several widths, Widths
// lists them and the files are named by Rendition.
type Photo struct {
	ID      int64
	URI     string // the source's identifier, unique when set
	Path    string // e.g. "demo/3f2a.jpg"; empty when only RemoteURL is known
	Remote  string // an absolute https URL of the source's rendition
	Width   int
	Height  int
	Widths  []int // smaller renditions available beside Path
	Caption string
	Credit  string
	Alt     string
}

// Rendition returns the path of the photo at width w, as the media store
// names it: "demo/3f2a.jpg" at 480 is "demo/3f2a-480.jpg".
func (p *Photo) Rendition(w int) string {
	if w == p.Width || w == 0 {
		return p.Path
	}
	dot := strings.LastIndexByte(p.Path, '.')
	if dot < 0 {
		return p.Path + "-" + strconv.Itoa(w)
	}
	return p.Path[:dot] + "-" + strconv.Itoa(w) + p.Path[dot:]
}

// ArticleRef is a link to another article by its source URI; ID, Section,
// Headline, Lang and Commercial are filled when the target is published
// here (by Article's "Read also" links).
type ArticleRef struct {
	URI        string
	ID         int64
	Section    string
	Headline   string
	Lang       string // filled where the reference crosses editions (translations)
	Commercial string // the target's commercial mark
}

// Article is a story. Times are UTC. Pages hold sanitised HTML, one string
// per page; most articles have one.
type Article struct {
	ID           int64
	URI          string
	Section      string // slug
	SectionName  string
	Lang         string
	Headline     string
	Lead         string
	Pages        []string
	Place        string
	Byline       string
	Status       Status
	PublishedAt  time.Time // first publication; zero until published
	UpdatedAt    time.Time // last update after publication; zero if none
	EmbargoUntil time.Time // for scheduled articles
	Embargoed    bool      // the time is an embargo, not only a planned publication
	SubmittedAt  time.Time // when a reporter submitted it; kept while it is submitted
	WithdrawnAt  time.Time
	Urgency      int // 1 flash, 2 urgent, 3..9 normal (IPTC)
	Breaking     bool
	Commercial   string // "", CommercialPartner or CommercialAdvertising: labelled wherever it appears
	Live         bool   // covered live now (package liveblog): set by the site's lists, not stored
	Photo        *Photo
	Topics       []Topic
	Persons      []Person
	ReadAlso     []ArticleRef
	Version      int    // increments with every stored change
	Advisory     string // one line saying what an update adds
	// MetaDescription is what search results and shared links show under
	// the story's title ("" shows the lead); SocialHeadline is the title
	// of a shared link ("" shows the headline). Set in the newsroom.
	MetaDescription string
	SocialHeadline  string
	Corrections     []Correction
	WithdrawNote    string       // why it was withdrawn, shown on the notice page
	Follows         int64        // the earlier story this one follows (alert, update, wrap-up)
	ChainID         int64        // the first story of its chain; 0 when it is in none
	Chain           []ArticleRef // the published stories of its chain, oldest first; filled by Article
	AuthorID        int64        // the newsroom account that created it
	SourceVersion   time.Time    // the source's versioncreated, to the millisecond
	// Source names who sent the story: a token's source for the wire, ""
	// for a story written in the newsroom. Only its own source may send
	// new versions of it.
	Source      string
	WireVersion string // the sender's version in ParseVersion's form, "" when it gave none
	// WireRefusedAt is when the wire last sent a version that was
	// refused (RevisionWireRefused) after the story was withdrawn: the
	// desk's "Wire tried to update". Zero when it has not since the
	// withdrawal, or the story is not withdrawn. Filled by Article,
	// ArticleByURI and DeskArticles only.
	WireRefusedAt time.Time
	CreatedAt     time.Time
	ModifiedAt    time.Time
	// MinorEdit marks a newsroom save of a published story as a small fix
	// that leaves UpdatedAt as it was (SettleTimes). Not stored.
	MinorEdit bool
}

// Public reports whether readers may see the article.
func (a *Article) Public() bool { return a.Status == StatusPublished }

// Gallery is an ordered set of photos.
type Gallery struct {
	ID          int64
	URI         string
	Section     string
	Title       string
	Lead        string
	PublishedAt time.Time
	Photos      []Photo
	PhotoCount  int // filled by lists, which do not load Photos
	Cover       *Photo
	Status      Status // draft, published or withdrawn; "" is published
}

// Infographic is one or more images with a title and text.
type Infographic struct {
	ID          int64
	URI         string
	Section     string
	Title       string
	Text        string
	PublishedAt time.Time
	Images      []Photo
	Status      Status // draft, published or withdrawn; "" is published
}

// CollectionStatus is the status a gallery or infographic is stored with:
// "" (what the wire and older callers send) is published. Returns
// EINVALID for any status but draft, published and withdrawn.
func CollectionStatus(s Status) (Status, error) {
	switch s {
	case "":
		return StatusPublished, nil
	case StatusDraft, StatusPublished, StatusWithdrawn:
		return s, nil
	}
	return "", Errorf(EINVALID, "A gallery or infographic is a draft, published or withdrawn, not %q.", s)
}

// Token is an API credential. Only the SHA-256 of the secret is stored.
type Token struct {
	ID      int64
	Name    string
	Scope   string // "read" or "write"
	Embargo bool   // may see embargoed stories before their release
	// Source is the sender a write token speaks for: it may change only
	// the stories its source sent.
	Source string
	// ClientID is the client a token belongs to (0: a staff token, which
	// reads everything its scope allows). A client's token reads only its
	// Entitlement, with the embargoed copy of its products that carry it.
	ClientID  int64
	Hash      []byte
	CreatedAt time.Time
}

// Validate checks the scope and name: a client's token only reads, and
// its embargoed copy comes from its products, not a scope. Returns
// EINVALID.
func (t *Token) Validate() error {
	if t.Scope != "read" && t.Scope != "write" {
		return Errorf(EINVALID, "A token's scope is read or write, not %q.", t.Scope)
	}
	if t.Name == "" || len(t.Hash) == 0 {
		return Errorf(EINVALID, "A token needs a name.")
	}
	if t.ClientID != 0 && (t.Scope != "read" || t.Embargo || t.Source != "") {
		return Errorf(EINVALID, "A client's token only reads; its embargoed copy comes from its products.")
	}
	return nil
}

// Cursor is a position in a list of articles ordered newest first.
type Cursor struct {
	Time time.Time
	ID   int64
}

// String encodes the cursor for a URL. It is opaque to clients.
func (c Cursor) String() string {
	b := strconv.AppendInt(nil, c.Time.Unix(), 36)
	b = append(b, '.')
	b = strconv.AppendInt(b, c.ID, 36)
	return base64.RawURLEncoding.EncodeToString(b)
}

// ParseCursor decodes a cursor made by Cursor.String. Returns EINVALID for
// anything else.
func ParseCursor(s string) (Cursor, error) {
	bad := Errorf(EINVALID, "The cursor is not valid; use the link from the previous page.")
	if len(s) == 0 || len(s) > 40 {
		return Cursor{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return Cursor{}, bad
	}
	ts, id, ok := strings.Cut(string(b), ".")
	if !ok {
		return Cursor{}, bad
	}
	t, err1 := strconv.ParseInt(ts, 36, 64)
	n, err2 := strconv.ParseInt(id, 36, 64)
	if err1 != nil || err2 != nil || t < 0 || n <= 0 || t > 1<<40 {
		return Cursor{}, bad
	}
	return Cursor{Time: time.Unix(t, 0).UTC(), ID: n}, nil
}

var translit = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'г': "g", 'д': "d", 'е': "e", 'ё': "e", 'ж': "zh",
	'з': "z", 'и': "i", 'й': "y", 'к': "k", 'л': "l", 'м': "m", 'н': "n", 'о': "o",
	'п': "p", 'р': "r", 'с': "s", 'т': "t", 'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts",
	'ч': "ch", 'ш': "sh", 'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu",
	'я': "ya",
}

// Slugify makes a URL slug from a name: lower case ASCII letters and digits
// joined by hyphens, with Russian transliterated. Other scripts keep their
// letters. It returns "" for a name with no letters or digits.
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case translit[r] != "" || r == 'ъ' || r == 'ь':
			b.WriteString(translit[r])
			dash = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
			dash = false
		case r == '\'' || r == '’':
			// "Russia's" is "russias", not "russia-s".
		default:
			if !dash && b.Len() > 0 {
				b.WriteByte('-')
				dash = true
			}
		}
		if b.Len() > 80 {
			break
		}
	}
	return strings.TrimRight(b.String(), "-")
}

// SettleTimes sets the article's published, updated and withdrawn times as
// a store keeps them when it writes a new version over a stored one with
// the given status and times (zero for a new article): the first
// publication is kept for ever, a change to a published article is an
// update readers see (unless it is a MinorEdit, which keeps the update
// time it had), and a withdrawal is dated now. Both engines call it,
// so they keep the same times.
func (a *Article) SettleTimes(oldStatus Status, oldPublished, oldUpdated, now time.Time) {
	published, updated, withdrawn := oldPublished, oldUpdated, time.Time{}
	switch a.Status {
	case StatusPublished:
		if published.IsZero() {
			published = a.PublishedAt
			if published.IsZero() {
				published = now
			}
			// A first version that arrives as a later revision of its
			// story (versioncreated after firstcreated) shows that time.
			if a.UpdatedAt.After(published.Add(time.Minute)) {
				updated = a.UpdatedAt
			}
		} else if !a.MinorEdit || oldStatus != StatusPublished {
			// A change to a published story, or a story public before
			// (withdrawn or withheld) coming back, is an update.
			updated = a.UpdatedAt
			if updated.IsZero() {
				updated = now
			}
		}
	case StatusWithdrawn:
		withdrawn = now
	}
	a.PublishedAt, a.UpdatedAt, a.WithdrawnAt = published, updated, withdrawn
}
