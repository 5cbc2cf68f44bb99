package demo

import (
	"fmt"
	"html"
	"math"
	"math/rand"
	"sort"
	"strings"
	"time"
	"unicode"

	"dateline"
)

// Generator makes articles for load tests that look like a wire's output to
// a database and a search index: body lengths spread log-normally around
// 330 words, words drawn with Zipf frequencies from the demo's own
// vocabulary (English, and Russian for one article in twelve), sections
// weighted as an agency publishes, a few topics and persons each, and
// times spread evenly over the given days in the order of i.
type Generator struct {
	rng      *rand.Rand
	en, ru   []string
	zen, zru *rand.Zipf
	topics   []string
	persons  []string
	ztag     *rand.Zipf
	now      time.Time
	days     int
	n        int // how many articles the run makes, for spreading them in time
}

var sectionWeights = []struct {
	slug   string
	weight int
}{{"politics", 20}, {"world", 20}, {"economy", 15}, {"defense", 10}, {"science", 8}, {"society", 12}, {"sport", 12}, {"pressreview", 3}}

// NewGenerator returns a generator whose output depends only on seed, now
// and days.
func NewGenerator(seed int64, now time.Time, days, n int) (*Generator, error) {
	c, err := loadContent()
	if err != nil {
		return nil, err
	}
	g := &Generator{rng: rand.New(rand.NewSource(seed)), now: now.UTC(), days: max(1, days), n: max(1, n)}
	enCount, ruCount := map[string]int{}, map[string]int{}
	topicSet, personSet := map[string]bool{}, map[string]bool{}
	for _, a := range c.Articles {
		counts := enCount
		if a.Lang == "ru" {
			counts = ruCount
		}
		for _, p := range a.Body {
			for _, w := range strings.FieldsFunc(p, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
				if w = strings.Trim(w, "-"); w != "" {
					counts[strings.ToLower(w)]++
				}
			}
		}
		for _, t := range a.Topics {
			topicSet[t] = true
		}
		for _, p := range a.Persons {
			personSet[p] = true
		}
	}
	g.en, g.ru = byFrequency(enCount), byFrequency(ruCount)
	g.zen = rand.NewZipf(g.rng, 1.07, 2, uint64(len(g.en)-1))
	g.zru = rand.NewZipf(g.rng, 1.07, 2, uint64(len(g.ru)-1))
	g.topics, g.persons = sortedKeys(topicSet), sortedKeys(personSet)
	// Many more tags than the demo has, as a long-running site gathers.
	for i := range 400 {
		g.topics = append(g.topics, title(g.en[50+i*3%len(g.en)])+" "+title(g.en[80+i*7%len(g.en)]))
	}
	g.ztag = rand.NewZipf(g.rng, 1.2, 3, uint64(min(len(g.topics), len(g.persons)*40)-1))
	return g, nil
}

func byFrequency(counts map[string]int) []string {
	ws := make([]string, 0, len(counts))
	for w := range counts {
		ws = append(ws, w)
	}
	sort.Slice(ws, func(i, j int) bool {
		if counts[ws[i]] != counts[ws[j]] {
			return counts[ws[i]] > counts[ws[j]]
		}
		return ws[i] < ws[j]
	})
	return ws
}

func sortedKeys(m map[string]bool) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func title(w string) string {
	r := []rune(w)
	if len(r) == 0 {
		return w
	}
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func (g *Generator) words(n int, ru bool) []string {
	ws := make([]string, n)
	for i := range ws {
		if ru {
			ws[i] = g.ru[g.zru.Uint64()]
		} else {
			ws[i] = g.en[g.zen.Uint64()]
		}
	}
	return ws
}

func (g *Generator) sentence(n int, ru bool) string {
	return title(strings.Join(g.words(n, ru), " ")) + "."
}

// Article returns the i-th generated article, published.
func (g *Generator) Article(i int) *dateline.Article {
	ru := g.rng.Intn(12) == 0
	lang := "en"
	if ru {
		lang = "ru"
	}
	total := 0
	for _, s := range sectionWeights {
		total += s.weight
	}
	pick := g.rng.Intn(total)
	section := ""
	for _, s := range sectionWeights {
		if pick < s.weight {
			section = s.slug
			break
		}
		pick -= s.weight
	}
	length := int(math.Exp(g.rng.NormFloat64()*0.55 + 5.8))
	length = min(3000, max(40, length))
	var pages []string
	var b strings.Builder
	words := 0
	for words < length {
		n := 30 + g.rng.Intn(60)
		var para []string
		for k := 0; k < n; {
			m := min(n-k, 8+g.rng.Intn(14))
			para = append(para, g.sentence(m, ru))
			k += m
		}
		b.WriteString("<p>" + html.EscapeString(strings.Join(para, " ")) + "</p>")
		words += n
		if b.Len() > 6000 && words < length-200 {
			pages = append(pages, b.String())
			b.Reset()
		}
	}
	pages = append(pages, b.String())
	// Stories go out in order, as on a wire: the i-th of n is published
	// i/n of the way through the days, give or take an hour.
	span := time.Duration(g.days) * 24 * time.Hour
	at := time.Duration(float64(span) * float64(i%g.n) / float64(g.n))
	jitter := time.Duration(g.rng.Int63n(int64(2*time.Hour))) - time.Hour
	published := g.now.Add(-span + at + jitter).Truncate(time.Second)
	if published.Before(g.now.Add(-span)) {
		published = g.now.Add(-span)
	}
	if published.After(g.now) {
		published = g.now
	}
	a := &dateline.Article{
		URI:      fmt.Sprintf("urn:dateline:gen:%d", i),
		Section:  section,
		Lang:     lang,
		Headline: strings.TrimSuffix(g.sentence(6+g.rng.Intn(9), ru), "."),
		Lead:     g.sentence(15+g.rng.Intn(16), ru),
		Pages:    pages,
		Place:    []string{"MOSCOW", "ST. PETERSBURG", "WASHINGTON", "BEIJING", "BERLIN", "KAZAN", "NEW DELHI", "ANKARA"}[g.rng.Intn(8)],
		Status:   dateline.StatusPublished,
		Urgency:  []int{5, 5, 5, 5, 4, 3, 2}[g.rng.Intn(7)],

		PublishedAt:   published,
		SourceVersion: published,
	}
	for range g.rng.Intn(4) {
		a.Topics = append(a.Topics, dateline.Topic{Name: g.topics[int(g.ztag.Uint64())%len(g.topics)]})
	}
	for range g.rng.Intn(3) {
		a.Persons = append(a.Persons, dateline.Person{Name: g.persons[int(g.ztag.Uint64())%len(g.persons)]})
	}
	return a
}
