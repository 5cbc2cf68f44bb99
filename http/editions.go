package http

import (
	"cmp"
	"context"
	"net/http"
	"path"
	"slices"
	"strings"

	"dateline"
	"dateline/i18n"
	"dateline/readership"
)

// Editions: the site is published in English at / and in Russian at /ru/.
// An edition other than the main one is on once it has a section. The
// language of a request is its path's edition; pages read it with lang.

const langKey ctxKey = 2

// lang is the edition a request was made to: "en" or "ru".
func (s *Server) lang(r *http.Request) string {
	if l, ok := r.Context().Value(langKey).(string); ok {
		return l
	}
	return dateline.LangMain
}

// prefix is the path an edition's addresses start with: "" or "/ru".
func prefix(lang string) string { return dateline.EditionPath(lang) }

// editionOf is the edition an article of language lang is published in.
func editionOf(lang string) string { return dateline.EditionOf(lang) }

// editionPath splits "/ru/politika" into "ru" and "/politika". Only pages
// readers browse are found under an edition: the API, files, the
// newsroom and the site-wide documents have one address.
func editionPath(p string) (lang, rest string, ok bool) {
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

// cleanPath is p without empty, "." and ".." segments, keeping a final
// slash; "" is "/".
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	c := path.Clean(p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// withEdition serves r under edition lang with the edition's prefix cut
// from its path.
func withEdition(r *http.Request, lang, path string) *http.Request {
	r = r.WithContext(context.WithValue(r.Context(), langKey, lang))
	u := *r.URL
	u.Path, u.RawPath = path, ""
	r.URL = &u
	return r
}

// editionOn reports whether an edition has any section.
func (s *Server) editionOn(lang string) bool {
	if lang == dateline.LangMain {
		return true
	}
	for _, sec := range s.sectionList() {
		if sectionLang(sec) == lang {
			return true
		}
	}
	return false
}

// editionsOn lists the editions that are on, the main one first.
func (s *Server) editionsOn() []string {
	on := []string{dateline.LangMain}
	for _, sec := range s.sectionList() {
		if l := sectionLang(sec); !slices.Contains(on, l) {
			on = append(on, l)
		}
	}
	return on
}

// editionOfSection is the edition section slug belongs to; an unknown
// section is taken to be the main edition's.
func (s *Server) editionOfSection(slug string) string {
	if sec := s.section(slug); sec != nil {
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

// sectionsOf is an edition's sections in display order.
func (s *Server) sectionsOf(lang string) []dateline.Section {
	all := s.sectionList()
	out := make([]dateline.Section, 0, len(all))
	for _, sec := range all {
		if sectionLang(sec) == lang {
			out = append(out, sec)
		}
	}
	return out
}

// sectionIn returns the section slug of edition lang, or nil.
func (s *Server) sectionIn(lang, slug string) *dateline.Section {
	sec := s.section(slug)
	if sec == nil || sectionLang(*sec) != lang {
		return nil
	}
	return sec
}

// editionFilter is the sections a list of "all news" of an edition reads:
// none (everything) while the main edition is the only one.
func (s *Server) editionFilter(lang string) []string {
	if lang == dateline.LangMain && len(s.editionsOn()) == 1 {
		return nil
	}
	slugs := sectionSlugs(s.sectionsOf(lang))
	if len(slugs) == 0 {
		// An edition with no sections lists nothing rather than all.
		return []string{""}
	}
	return slugs
}

// alternate is a version of a page in another edition, for the language
// switch and rel="alternate" hreflang links.
type alternate struct {
	Lang  string // "ru"
	Name  string // the language's own name: "Русский"
	Href  string // path on this site
	Title string // an article's headline in that language
}

var languageNames = map[string]string{"en": "English", "ru": "Русский"}

// editionHomes are the main pages of the editions that are on, as
// alternates of each other.
func (s *Server) editionHomes() []alternate {
	on := s.editionsOn()
	if len(on) < 2 {
		return nil
	}
	out := make([]alternate, len(on))
	for i, l := range on {
		out[i] = alternate{Lang: l, Name: languageNames[l], Href: prefix(l) + "/"}
	}
	return out
}

// translationAlternates are an article's versions: itself first, then its
// published translations.
func (s *Server) translationAlternates(a *dateline.Article, ts []dateline.ArticleRef) []alternate {
	if len(ts) == 0 {
		return nil
	}
	self := editionOf(a.Lang)
	out := []alternate{{Lang: self, Name: languageNames[self], Href: s.articleURL(*a), Title: a.Headline}}
	for _, t := range ts {
		l := editionOf(t.Lang)
		if l == self {
			continue
		}
		out = append(out, alternate{Lang: l, Name: languageNames[l], Title: t.Headline,
			Href: s.refURL(t.Section, t.ID)})
	}
	return out
}

// mostReadIn is an edition's most read list: the site's while it has one
// edition, else its sections' lists merged.
func (s *Server) mostReadIn(p dateline.Period, lang string) []dateline.Ranked {
	filter := s.editionFilter(lang)
	if filter == nil {
		return s.mostRead(p, "")
	}
	var out []dateline.Ranked
	for _, slug := range filter {
		out = append(out, s.mostRead(p, slug)...)
	}
	// Most views first; the newer story first among equals.
	slices.SortFunc(out, func(a, b dateline.Ranked) int {
		return cmp.Or(cmp.Compare(b.Views, a.Views), cmp.Compare(b.ID, a.ID))
	})
	return out[:min(len(out), readership.MostReadSize)]
}

// translate is i18n.T for an edition's language.
func translate(lang, key string, args ...any) string { return i18n.T(i18n.Lang(lang), key, args...) }

// canonicalPage is the address readers mean by a near miss of a page
// within edition lang: "/photo" for "/photo/", "/politics/" or
// "/POLITICS" for "/politics", "/news/" for "/news". Only one-segment
// paths are looked at; ok is false for an address that is already right
// or means nothing.
func (s *Server) canonicalPage(lang, p string) (to string, ok bool) {
	name, slash := strings.CutSuffix(strings.TrimPrefix(p, "/"), "/")
	if name == "" || strings.Contains(name, "/") {
		return "", false
	}
	lower := strings.ToLower(name)
	switch lower {
	case "photo", "infographics":
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
	if sec := s.section(lower); sec != nil {
		return prefix(sectionLang(*sec)) + "/" + lower, true
	}
	return "", false
}
