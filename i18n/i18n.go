// Package i18n holds the reader site's interface messages in English and
// Russian, with plural forms and date formats for both languages.
//
// Catalogue keys are the English text, so a missing translation still reads
// sensibly. Every function takes the language explicitly; there is no
// current-language state.
package i18n

import "fmt"

// Lang is a language code.
type Lang string

// Supported languages.
const (
	EN Lang = "en"
	RU Lang = "ru"
)

var catalogues = map[Lang]map[string]string{
	EN: catalogueEN,
	RU: catalogueRU,
}

// T returns the message for key in lang. It falls back to English, and then
// to the key itself. With args, the message is a fmt format string.
func T(lang Lang, key string, args ...any) string {
	msg, ok := catalogues[lang][key]
	if !ok {
		msg, ok = catalogueEN[key]
	}
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether lang's catalogue has key.
func Has(lang Lang, key string) bool {
	_, ok := catalogues[lang][key]
	return ok
}

// Plural picks the form for n. Russian has three forms: one (1, 21, 101),
// few (2–4, 22–24) and many (0, 5–20, 25–30, 111–114). English and any
// other language use one for n == 1 and many otherwise; few is ignored.
func Plural(lang Lang, n int, one, few, many string) string {
	if n < 0 {
		n = -n
	}
	if lang != RU {
		if n == 1 {
			return one
		}
		return many
	}
	switch n10, n100 := n%10, n%100; {
	case n10 == 1 && n100 != 11:
		return one
	case n10 >= 2 && n10 <= 4 && (n100 < 12 || n100 > 14):
		return few
	default:
		return many
	}
}

// N returns n followed by the pluralised catalogue entry key, such as
// "2 pages" or "5 страниц". Missing entries fall back to English, and then
// to the key itself.
func N(lang Lang, key string, n int) string {
	forms, ok := pluralsByLang[lang][key]
	if !ok {
		forms, ok = pluralsEN[key]
	}
	if !ok {
		return fmt.Sprintf("%d %s", n, key)
	}
	return fmt.Sprintf("%d %s", n, Plural(lang, n, forms.one, forms.few, forms.many))
}

// forms are a word's plural forms; English leaves few empty.
type forms struct{ one, few, many string }

var pluralsByLang = map[Lang]map[string]forms{
	EN: pluralsEN,
	RU: pluralsRU,
}
