package ninjs

import (
	"strings"

	"dateline"
)

// An article's commercial mark travels as a genre, the ninjs property for
// "a nature, intellectual or journalistic form of the content": a literal
// naming the mark and a name readers can show.
//
//	{"genres": [{"name": "Partner material", "literal": "partner"}]}
//	{"genres": [{"name": "Advertisement", "literal": "advertising"}]}
var commercialGenres = map[string]Concept{
	dateline.CommercialPartner:     {Name: "Partner material", Literal: "partner"},
	dateline.CommercialAdvertising: {Name: "Advertisement", Literal: "advertising"},
}

// CommercialGenre is the genre that carries the mark, and false for none.
func CommercialGenre(mark string) (Concept, bool) {
	c, ok := commercialGenres[mark]
	return c, ok
}

// Commercial reads an item's commercial mark from its genres: a genre
// whose literal (or, failing that, name) is "partner" or "partner material",
// "advertising" or "advertisement", in any case. "" when there is none.
func Commercial(it *Item) string {
	for _, g := range it.Genres {
		for _, v := range []string{g.Literal, g.Name} {
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "partner", "partner material", "partner-material":
				return dateline.CommercialPartner
			case "advertising", "advertisement":
				return dateline.CommercialAdvertising
			}
		}
	}
	return ""
}
