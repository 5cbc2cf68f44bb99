package dateline

import (
	"slices"
	"testing"
	"time"
)

func TestProductCovers(t *testing.T) {
	photo := &Photo{ID: 1}
	art := func(section, lang string, urgency int, withPhoto bool, topics, persons []string) *Article {
		a := &Article{Section: section, Lang: lang, Urgency: urgency}
		if withPhoto {
			a.Photo = photo
		}
		for _, s := range topics {
			a.Topics = append(a.Topics, Topic{Slug: s})
		}
		for _, s := range persons {
			a.Persons = append(a.Persons, Person{Slug: s})
		}
		return a
	}
	politics := art("politics", "en", 3, false, []string{"elections", "budget"}, []string{"anna-k"})
	sportRU := art("sport", "ru", 1, true, nil, []string{"ivan-p"})
	noUrgency := art("politics", "", 0, false, nil, nil)
	cases := []struct {
		name string
		p    Product
		a    *Article
		want bool
	}{
		{"empty product takes all", Product{}, politics, true},
		{"empty product takes all 2", Product{}, sportRU, true},
		{"section in", Product{Sections: []string{"politics"}}, politics, true},
		{"section or", Product{Sections: []string{"economy", "sport"}}, sportRU, true},
		{"section out", Product{Sections: []string{"economy"}}, politics, false},
		{"lang en", Product{Langs: []string{"en"}}, politics, true},
		{"lang empty is en", Product{Langs: []string{"en"}}, noUrgency, true},
		{"lang ru out", Product{Langs: []string{"ru"}}, politics, false},
		{"urgency within", Product{MaxUrgency: 3}, politics, true},
		{"urgency too low", Product{MaxUrgency: 2}, politics, false},
		{"flash only", Product{MaxUrgency: 1}, sportRU, true},
		{"no urgency is least urgent", Product{MaxUrgency: 8}, noUrgency, false},
		{"no urgency with 9", Product{MaxUrgency: 9}, noUrgency, true},
		{"text takes all articles", Product{Kinds: []string{KindText}}, sportRU, true},
		{"photo needs a photo", Product{Kinds: []string{KindPhoto}}, politics, false},
		{"photo with a photo", Product{Kinds: []string{KindPhoto}}, sportRU, true},
		{"gallery takes no articles", Product{Kinds: []string{KindGallery, KindInfographic}}, sportRU, false},
		{"topic or", Product{Topics: []string{"war", "budget"}}, politics, true},
		{"topic out", Product{Topics: []string{"war"}}, politics, false},
		{"topic none on article", Product{Topics: []string{"war"}}, sportRU, false},
		{"person in", Product{Persons: []string{"ivan-p"}}, sportRU, true},
		{"person out", Product{Persons: []string{"ivan-p"}}, politics, false},
		{"and across", Product{Sections: []string{"politics"}, Topics: []string{"budget"}, Persons: []string{"anna-k"}, MaxUrgency: 5, Langs: []string{"en"}}, politics, true},
		{"and across fails one", Product{Sections: []string{"politics"}, Topics: []string{"budget"}, Persons: []string{"ivan-p"}}, politics, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.Covers(c.a); got != c.want {
				t.Errorf("Covers = %v, want %v", got, c.want)
			}
		})
	}
}

func TestCoversCollection(t *testing.T) {
	cases := []struct {
		name                string
		p                   Product
		kind, section, lang string
		want                bool
	}{
		{"any product", Product{}, KindGallery, "sport", "", true},
		{"kinds gallery", Product{Kinds: []string{KindGallery}}, KindGallery, "sport", "en", true},
		{"kinds text only", Product{Kinds: []string{KindText, KindPhoto}}, KindGallery, "sport", "en", false},
		{"infographic", Product{Kinds: []string{KindInfographic}}, KindInfographic, "sport", "ru", true},
		{"section out", Product{Sections: []string{"politics"}}, KindGallery, "sport", "en", false},
		{"lang out", Product{Langs: []string{"ru"}}, KindGallery, "sport", "", false},
		{"topics take none", Product{Topics: []string{"war"}}, KindGallery, "sport", "en", false},
		{"persons take none", Product{Persons: []string{"x"}}, KindInfographic, "sport", "en", false},
		{"urgency does not apply", Product{MaxUrgency: 1}, KindGallery, "sport", "en", true},
		{"not a collection kind", Product{}, KindText, "sport", "en", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.CoversCollection(c.kind, c.section, c.lang); got != c.want {
				t.Errorf("CoversCollection = %v, want %v", got, c.want)
			}
		})
	}
}

func TestEntitlementAt(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	sport := Product{ID: 1, Sections: []string{"sport"}}
	embargo := Product{ID: 2, Sections: []string{"politics"}, Embargoed: true}
	later := Product{ID: 3}
	products := []Product{sport, embargo, later}
	contract := []ClientProduct{
		{ClientID: 7, ProductID: 1},
		{ClientID: 7, ProductID: 2, Until: now.Add(time.Hour)},
		{ClientID: 7, ProductID: 3, From: now.Add(time.Hour)},
		{ClientID: 8, ProductID: 3}, // another client's
	}
	c := &Client{ID: 7}
	e := EntitlementAt(c, contract, products, now)
	if ids := productIDs(e); !slices.Equal(ids, []int64{1, 2}) {
		t.Fatalf("products now = %v", ids)
	}
	pol := &Article{Section: "politics"}
	if !e.Covers(pol) || !e.CoversEmbargoed(pol) || !e.Embargoed() {
		t.Error("politics not covered with its embargo")
	}
	sp := &Article{Section: "sport"}
	if !e.Covers(sp) || e.CoversEmbargoed(sp) {
		t.Error("sport: covered, but not its embargoed copy")
	}
	if e.Product(2) == nil || e.Product(3) != nil {
		t.Error("Product by id")
	}
	if ids := productIDs(EntitlementAt(c, contract, products, now.Add(2*time.Hour))); !slices.Equal(ids, []int64{1, 3}) {
		t.Errorf("products later = %v", ids)
	}
	for name, c := range map[string]*Client{
		"disabled": {ID: 7, Disabled: true},
		"not yet":  {ID: 7, ActiveFrom: now.Add(time.Second)},
		"ended":    {ID: 7, ActiveUntil: now},
		"other":    {ID: 9},
	} {
		e := EntitlementAt(c, contract, products, now)
		if len(e.Products) != 0 || e.Covers(sp) {
			t.Errorf("%s: entitlement %v", name, productIDs(e))
		}
	}
	var zero Entitlement
	if zero.Covers(sp) || zero.CoversEmbargoed(sp) {
		t.Error("the zero entitlement covers")
	}
}

func productIDs(e Entitlement) []int64 {
	var ids []int64
	for _, p := range e.Products {
		ids = append(ids, p.ID)
	}
	return ids
}

func TestProductValidate(t *testing.T) {
	p := Product{Name: " Sport ", Sections: []string{"sport", " Sport", "", "economy"}, Langs: []string{"ru", "en", "ru"}, Kinds: []string{"photo", "text"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Name != "Sport" || !slices.Equal(p.Sections, []string{"economy", "sport"}) || !slices.Equal(p.Langs, []string{"en", "ru"}) || !slices.Equal(p.Kinds, []string{"photo", "text"}) {
		t.Errorf("cleaned: %+v", p)
	}
	for name, bad := range map[string]Product{
		"no name":    {},
		"long name":  {Name: string(make([]byte, 201))},
		"two lines":  {Name: "a\nb"},
		"bad slug":   {Name: "x", Topics: []string{"Not a slug!"}},
		"bad lang":   {Name: "x", Langs: []string{"de"}},
		"bad kind":   {Name: "x", Kinds: []string{"video"}},
		"urgency 10": {Name: "x", MaxUrgency: 10},
		"urgency -1": {Name: "x", MaxUrgency: -1},
	} {
		if err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestClientValidate(t *testing.T) {
	now := time.Now()
	good := Client{Name: "Bank", SeatLimit: 5, ActiveFrom: now, ActiveUntil: now.Add(time.Hour)}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]Client{
		"no name":       {},
		"reversed":      {Name: "x", ActiveFrom: now, ActiveUntil: now},
		"negative seat": {Name: "x", SeatLimit: -1},
	} {
		if err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	u := ClientUser{Email: " anna@example.org ", Name: "Anna"}
	if err := u.Validate(); err != nil || u.Role != ClientMember || u.Email != "anna@example.org" {
		t.Errorf("user: %v %+v", err, u)
	}
	for name, bad := range map[string]ClientUser{
		"email": {Email: "anna", Name: "Anna"},
		"name":  {Email: "a@b.org"},
		"role":  {Email: "a@b.org", Name: "A", Role: "admin"},
	} {
		if err := bad.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	tok := Token{Name: "bank", Scope: "write", Hash: []byte{1}, ClientID: 3}
	if err := tok.Validate(); ErrorCode(err) != EINVALID {
		t.Errorf("a client's write token: %v", err)
	}
	tok.Scope = "read"
	if err := tok.Validate(); err != nil {
		t.Error(err)
	}
}

func TestFeedSignature(t *testing.T) {
	k1, k2 := []byte("one"), []byte("two")
	p := FeedPath(3, 4)
	if p != "/wire/feeds/3/4.rss" {
		t.Fatal(p)
	}
	s := FeedSignature(k1, p)
	if len(s) != 32 || s == FeedSignature(k2, p) || s == FeedSignature(k1, FeedPath(3, 5)) || s != FeedSignature(k1, p) {
		t.Error("signatures do not tell keys and paths apart")
	}
}

// coversSpec is Covers written the long way, dimension by dimension, for
// the fuzz test to compare with.
func coversSpec(p *Product, a *Article) bool {
	any := func(want []string, have []string) bool {
		if len(want) == 0 {
			return true
		}
		for _, w := range want {
			for _, h := range have {
				if w == h {
					return true
				}
			}
		}
		return false
	}
	lang := a.Lang
	if lang == "" {
		lang = "en"
	}
	u := a.Urgency
	if u < 1 || u > 9 {
		u = 9
	}
	var kinds []string
	kinds = append(kinds, KindText)
	if a.Photo != nil {
		kinds = append(kinds, KindPhoto)
	}
	var topics, persons []string
	for _, t := range a.Topics {
		topics = append(topics, t.Slug)
	}
	for _, t := range a.Persons {
		persons = append(persons, t.Slug)
	}
	return any(p.Sections, []string{a.Section}) && any(p.Langs, []string{lang}) && (p.MaxUrgency == 0 || u <= p.MaxUrgency) &&
		any(p.Kinds, kinds) && any(p.Topics, topics) && any(p.Persons, persons)
}

// FuzzCovers compares Covers with coversSpec on products and articles
// drawn from small sets, so that matches are common.
func FuzzCovers(f *testing.F) {
	f.Add(uint64(0), uint64(0))
	f.Add(uint64(0xdeadbeef), uint64(12345))
	f.Add(^uint64(0), uint64(1)<<40)
	f.Fuzz(func(t *testing.T, pb, ab uint64) {
		slugs := []string{"a", "b", "c"}
		pick := func(bits uint64) []string {
			var out []string
			for i, s := range slugs {
				if bits&(1<<i) != 0 {
					out = append(out, s)
				}
			}
			return out
		}
		kinds := func(bits uint64) []string {
			var out []string
			for i, k := range ItemKinds {
				if bits&(1<<i) != 0 {
					out = append(out, k)
				}
			}
			return out
		}
		langs := [][]string{nil, {"en"}, {"ru"}, {"en", "ru"}}
		p := Product{Sections: pick(pb), Topics: pick(pb >> 3), Persons: pick(pb >> 6), Langs: langs[pb>>9&3],
			MaxUrgency: int(pb >> 11 % 10), Kinds: kinds(pb >> 15), Embargoed: pb>>19&1 == 1}
		a := &Article{Section: slugs[ab%3], Lang: []string{"", "en", "ru"}[ab>>2%3], Urgency: int(ab >> 4 % 11)}
		if ab>>8&1 == 1 {
			a.Photo = &Photo{}
		}
		for _, s := range pick(ab >> 9) {
			a.Topics = append(a.Topics, Topic{Slug: s})
		}
		for _, s := range pick(ab >> 12) {
			a.Persons = append(a.Persons, Person{Slug: s})
		}
		if got, want := p.Covers(a), coversSpec(&p, a); got != want {
			t.Fatalf("Covers(%+v, %+v) = %v, want %v", p, a, got, want)
		}
		e := Entitlement{Products: []Product{p, {Sections: []string{"z"}, Embargoed: true}}}
		if e.Covers(a) != p.Covers(a) || e.CoversEmbargoed(a) != (p.Embargoed && p.Covers(a)) {
			t.Fatalf("Entitlement disagrees with its product")
		}
	})
}
