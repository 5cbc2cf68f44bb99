package kit

import (
	"context"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"dateline"
	"dateline/i18n"
)

// Editions: the site is published in English at / and in Russian at /ru/.
// An edition other than the main one is on once it has a section. The
// language of a request is its path's edition; pages read it with
// Kit.Lang.

type ctxKey int

const langKey ctxKey = 2

// Sections is the site's list of sections as read last, and what follows
// from it: the editions that are on, and the addresses of sections and
// stories in their editions.
type Sections struct {
	mu   sync.RWMutex
	list []dateline.Section
}

// Load reads the sections from the store.
func (s *Sections) Load(ctx context.Context, store interface {
	Sections(ctx context.Context) ([]dateline.Section, error)
}) error {
	ss, err := store.Sections(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.list = ss
	s.mu.Unlock()
	return nil
}

// List is every section in display order.
func (s *Sections) List() []dateline.Section {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.list
}

// Has reports whether section slug exists.
func (s *Sections) Has(slug string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range s.list {
		if s.list[i].Slug == slug {
			return true
		}
	}
	return false
}

// Get returns section slug, or nil.
func (s *Sections) Get(slug string) *dateline.Section {
	for _, sec := range s.List() {
		if sec.Slug == slug {
			return &sec
		}
	}
	return nil
}

// ArticleURL is an article's address in its section's edition:
// "/politics/123" or "/ru/politika/124".
func (s *Sections) ArticleURL(a dateline.Article) string { return s.RefURL(a.Section, a.ID) }

// RefURL is the address of story id in section.
func (s *Sections) RefURL(section string, id int64) string {
	return s.SectionURL(section) + "/" + strconv.FormatInt(id, 10)
}

// SectionURL is a section's address in its edition: "/politics",
// "/ru/politika". An unknown section is taken to be the main edition's.
func (s *Sections) SectionURL(slug string) string {
	return prefix(s.EditionOf(slug)) + "/" + slug
}

// Lang is the edition a request was made to: "en" or "ru".
func (s *Kit) Lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return dateline.LangMain
}

// prefix is the path an edition's addresses start with: "" or "/ru".
func prefix(lang string) string { return dateline.EditionPath(lang) }

// editionOf is the edition an article of language lang is published in.
func editionOf(lang string) string { return dateline.EditionOf(lang) }

// EditionPath splits "/ru/politika" into "ru" and "/politika". Only pages
// readers browse are found under an edition: the API, files, the
// newsroom and the site-wide documents have one address.
func EditionPath(p string) (lang, rest string, ok bool) {
	for l := range dateline.Editions {
		if l == dateline.LangMain {
			continue
		}
		after, found := strings.CutPrefix(p, "/"+l)
		if !found || (after != "" && after[0] != '/') {
			continue
		}
		if after == "" {
			return l, "", true
		}
		first, _, _ := strings.Cut(after[1:], "/")
		switch first {
		case "api", "static", "media", "newsroom", "healthz", "robots.txt", "sitemap.xml", "sitemaps",
			"favicon.ico", "opensearch.xml", "reading-mode", "reading-mode.css":
			return "", "", false
		}
		if dateline.Editions[first] {
			return "", "", false // "/ru/en/..." and "/ru/ru/..."
		}
		return l, after, true
	}
	return "", "", false
}

// CleanPath is p without empty, "." and ".." segments, keeping a final
// slash; "" is "/".
func CleanPath(p string) string {
	if p == "" {
		return "/"
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// WithEdition serves r under edition lang with the edition's prefix cut
// from its path.
func WithEdition(r *http.Request, lang, path string) *http.Request {
	r = r.WithContext(context.WithValue(r.Context(), langKey, lang))
	u := *r.URL
	u.Path, u.RawPath = path, ""
	r.URL = &u
	return r
}

// EditionOn reports whether an edition has any section.
func (s *Sections) EditionOn(lang string) bool {
	if lang == dateline.LangMain {
		return true
	}
	for _, sec := range s.List() {
		if sectionLang(sec) == lang {
			return true
		}
	}
	return false
}

// EditionsOn lists the editions that are on, the main one first.
func (s *Sections) EditionsOn() []string {
	on := []string{dateline.LangMain}
	for _, sec := range s.List() {
		if l := sectionLang(sec); !slices.Contains(on, l) {
			on = append(on, l)
		}
	}
	return on
}

// EditionOf is the edition section slug belongs to; an unknown section is
// taken to be the main edition's.
func (s *Sections) EditionOf(slug string) string {
	if sec := s.Get(slug); sec != nil {
		return sectionLang(*sec)
	}
	return dateline.LangMain
}

func sectionLang(sec dateline.Section) string {
	if sec.Lang == "" {
		return dateline.LangMain
	}
	return sec.Lang
}

// Of is an edition's sections in display order.
func (s *Sections) Of(lang string) []dateline.Section {
	all := s.List()
	out := make([]dateline.Section, 0, len(all))
	for _, sec := range all {
		if sectionLang(sec) == lang {
			out = append(out, sec)
		}
	}
	return out
}

// In returns the section slug of edition lang, or nil.
func (s *Sections) In(lang, slug string) *dateline.Section {
	sec := s.Get(slug)
	if sec == nil || sectionLang(*sec) != lang {
		return nil
	}
	return sec
}

// Filter is the sections a list of "all news" of an edition reads: none
// (everything) while the main edition is the only one.
func (s *Sections) Filter(lang string) []string {
	if lang == dateline.LangMain && len(s.EditionsOn()) == 1 {
		return nil
	}
	slugs := SectionSlugs(s.Of(lang))
	if len(slugs) == 0 {
		// An edition with no sections lists nothing rather than all.
		return []string{""}
	}
	return slugs
}

// SectionSlugs are the slugs of sections ss.
func SectionSlugs(ss []dateline.Section) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Slug
	}
	return out
}

// Alternate is a version of a page in another edition, for the language
// switch and rel="alternate" hreflang links.
type Alternate struct {
	Lang  string // "ru"
	Name  string // the language's own name: "Русский"
	Href  string // path on this site
	Title string // an article's headline in that language
}

// Homes are the main pages of the editions that are on, as alternates of
// each other.
func (s *Sections) Homes() []Alternate {
	on := s.EditionsOn()
	if len(on) < 2 {
		return nil
	}
	out := make([]Alternate, len(on))
	for i, l := range on {
		out[i] = Alternate{Lang: l, Name: i18n.LanguageName(l), Href: prefix(l) + "/"}
	}
	return out
}

// Alternates are an article's versions: itself first, then its published
// translations.
func (s *Sections) Alternates(a *dateline.Article, ts []dateline.ArticleRef) []Alternate {
	if len(ts) == 0 {
		return nil
	}
	self := editionOf(a.Lang)
	out := []Alternate{{Lang: self, Name: i18n.LanguageName(self), Href: s.ArticleURL(*a), Title: a.Headline}}
	for _, t := range ts {
		l := editionOf(t.Lang)
		if l == self {
			continue
		}
		out = append(out, Alternate{Lang: l, Name: i18n.LanguageName(l), Title: t.Headline,
			Href: s.RefURL(t.Section, t.ID)})
	}
	return out
}

// Canonical is the address readers mean by a near miss of a page within
// edition lang: "/photo" for "/photo/", "/politics/" or "/POLITICS" for
// "/politics", "/news/" for "/news". Only one-segment paths are looked
// at; ok is false for an address that is already right or means nothing.
func (s *Sections) Canonical(lang, p string) (to string, ok bool) {
	name, slash := strings.CutSuffix(strings.TrimPrefix(p, "/"), "/")
	if name == "" || strings.Contains(name, "/") {
		return "", false
	}
	lower := strings.ToLower(name)
	switch lower {
	case "photo", "infographics", "topics", "persons", "stories":
		if p == "/"+lower+"/" {
			return "", false
		}
		return prefix(lang) + "/" + lower + "/", true
	case "news", "city", "currency", "search":
		if p == "/"+lower {
			return "", false
		}
		return prefix(lang) + "/" + lower, true
	}
	if !slash && name == lower {
		return "", false // a section's own address, or nothing
	}
	if sec := s.Get(lower); sec != nil {
		return prefix(sectionLang(*sec)) + "/" + lower, true
	}
	return "", false
}
