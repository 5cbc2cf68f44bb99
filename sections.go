package dateline

// DefaultSections are the eight sections a new site starts with. The codes
// are matched, without regard to case, against the literal, code and URI of
// an incoming item's genres and subjects; the IPTC Media Topic codes are
// given bare, with the "medtop:" prefix and as URIs.
var DefaultSections = []Section{
	{Slug: "politics", Name: "Russian Politics & Diplomacy", Position: 1, Codes: mediaTopic("11000000", "politics", "POL", "diplomacy")},
	{Slug: "world", Name: "World", Position: 2, Codes: []string{"world", "international", "WOR"}},
	{Slug: "economy", Name: "Business & Economy", Position: 3, Codes: mediaTopic("04000000", "economy", "business", "ECO")},
	{Slug: "defense", Name: "Military & Defense", Position: 4, Codes: mediaTopic("16000000", "defense", "defence", "military", "DEF")},
	{Slug: "science", Name: "Science & Space", Position: 5, Codes: mediaTopic("13000000", "science", "space", "SCI")},
	{Slug: "society", Name: "Society & Culture", Position: 6, Codes: append(mediaTopic("14000000", "society", "culture", "SOC"), mediaTopic("01000000")...)},
	{Slug: "sport", Name: "Sport", Position: 7, Codes: mediaTopic("15000000", "sport", "sports", "SPO")},
	{Slug: "pressreview", Name: "Press Review", Position: 8, Codes: []string{"pressreview", "press review", "PRE"}},
}

func mediaTopic(code string, more ...string) []string {
	return append([]string{code, "medtop:" + code, "http://cv.iptc.org/newscodes/mediatopic/" + code}, more...)
}
