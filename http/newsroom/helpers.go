package newsroom

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"dateline"
)

// The small helpers below are the site's own too (package http): each
// surface keeps its copy rather than share a package of odds and ends.

func validText(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// languageNames name the editions in the newsroom, which is in English.
var languageNames = map[string]string{"en": "English", "ru": "Russian"}

func sectionLang(sec dateline.Section) string {
	if sec.Lang == "" {
		return dateline.LangMain
	}
	return sec.Lang
}

// fitURL is the address of the largest rendition of p no wider than w.
func fitURL(p *dateline.Photo, w int) string {
	best := 0
	for _, x := range p.Widths {
		if x <= w && x > best {
			best = x
		}
	}
	if p.Path == "" {
		return p.Remote
	}
	return "/media/" + p.Rendition(best)
}
