// Package search turns text into index terms and reader queries into
// engine-neutral queries: words folded (case, ё = е, diacritics) and
// stemmed with the Snowball stemmer of their script (English for Latin,
// Russian for Cyrillic), "exact phrases", and -excluded words. Both storage
// engines index the same terms, so they find the same articles.
package search

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"github.com/kljensen/snowball/russian"
	"golang.org/x/net/html"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// folder removes combining marks after decomposition: "é" is "e".
var folder = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// apostrophes drops apostrophes; built once, since a Replacer builds its
// lookup table on first use (per call, that was half of a search page's
// time in Snippet).
var apostrophes = strings.NewReplacer("'", "", "’", "")

// Fold lower-cases s, writes ё as е and removes diacritics. It keeps й,
// which Russian treats as a letter of its own.
func Fold(s string) string {
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, "ё", "е")
	// Apostrophes join: "Russia's" is "russias", stemmed as "russia".
	s = apostrophes.Replace(s)
	if isASCII(s) {
		return s
	}
	// Protect й from losing its breve, then fold the rest.
	s = strings.ReplaceAll(s, "й", "\uE000")
	t := folder.Get().(transform.Transformer)
	out, _, err := transform.String(t, s)
	t.Reset()
	folder.Put(t)
	if err != nil {
		out = s
	}
	return strings.ReplaceAll(out, "\uE000", "й")
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Words splits text into words: runs of letters and digits.
func Words(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// stems remembers the stems of words seen: a news vocabulary is small next
// to the words indexed, and the stemmers allocate. It is emptied when full.
var stems struct {
	sync.RWMutex
	m map[string]string
}

const stemCacheSize = 200_000

// Stem returns the stem of a folded word, by the stemmer of its script.
func Stem(word string) string {
	if len(word) > 64 {
		word = word[:64]
	}
	stems.RLock()
	st, ok := stems.m[word]
	stems.RUnlock()
	if ok {
		return st
	}
	st = stem(word)
	stems.Lock()
	if stems.m == nil || len(stems.m) >= stemCacheSize {
		stems.m = make(map[string]string, 1024)
	}
	stems.m[word] = st
	stems.Unlock()
	return st
}

func stem(word string) string {
	for _, r := range word {
		if unicode.Is(unicode.Cyrillic, r) {
			// Twice: the stemmer reads "лавров" as a plural ("лавр") but
			// "лаврова" as "лавров"; a second pass brings the forms of a
			// surname together, at little cost to other words.
			return russian.Stem(russian.Stem(word, true), true)
		}
		if unicode.IsLetter(r) {
			break
		}
	}
	if isASCII(word) {
		return english.Stem(word, true)
	}
	return word
}

// Terms returns the index terms of a text, in order: every word folded and
// stemmed. Stop words are kept, so that phrases line up.
func Terms(text string) []string {
	words := Words(Fold(text))
	for i, w := range words {
		words[i] = Stem(w)
	}
	return words
}

// Joined returns the terms of a text as one space-separated string, as the
// engines index it.
func Joined(text string) string { return strings.Join(Terms(text), " ") }

// HTMLText returns the text of an HTML fragment, with block ends as spaces.
func HTMLText(fragment string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
		default:
			b.WriteByte(' ')
		}
	}
}
