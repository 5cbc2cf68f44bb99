package benchcmd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"dateline"
	"dateline/ninjs"
	"dateline/search"
)

// benchAddrs are the addresses "dateline bench archive" draws its requests
// from, all found from outside as a crawler finds them: article addresses
// from random month files of the sitemap, sections from the sections file,
// headlines and the biggest topic and person from read API pages at random
// depths.
type benchAddrs struct {
	articles    []string // random article paths, /{section}/{id}, shuffled
	nextArticle atomic.Int64
	newest      []string // the newest 40 or so articles
	sections    []string // section paths, /{slug}
	monthFiles  []string // every month file of the sitemap, /sitemaps/articles-....xml
	oldest      time.Time
	topic       tagRef // the biggest topic among the sampled stories
	person      tagRef
	headlines   []headline
	sectionSlug []string
}

// tagRef is a topic or person: its slug and its name as a wire sends it.
type tagRef struct{ slug, name string }

// headline is a sampled story's headline and section, for search queries.
type headline struct{ text, section string }

var (
	sitemapLoc  = regexp.MustCompile(`<loc>([^<]+)</loc>`)
	monthFileRe = regexp.MustCompile(`/sitemaps/articles-(\d{4}-\d{2})(?:-(\d+))?\.xml$`)
)

// discover reads the addresses from the running node. It needs a read
// token for the API pages. Returns an error when the site has no stories.
func discover(ctx context.Context, n *benchNode, token string, rng *rand.Rand) (*benchAddrs, error) {
	a := &benchAddrs{}
	if err := a.readSitemaps(ctx, n, rng); err != nil {
		return nil, err
	}
	if err := a.sampleStories(ctx, n, token, rng); err != nil {
		return nil, err
	}
	return a, nil
}

// locs returns the paths a sitemap file lists.
func locs(ctx context.Context, n *benchNode, path string) ([]string, error) {
	body, err := n.get(ctx, path, "", false)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range sitemapLoc.FindAllSubmatch(body, -1) {
		u, err := url.Parse(string(m[1]))
		if err != nil {
			return nil, fmt.Errorf("%s lists %q: %w", path, m[1], err)
		}
		out = append(out, u.RequestURI())
	}
	return out, nil
}

func (a *benchAddrs) readSitemaps(ctx context.Context, n *benchNode, rng *rand.Rand) error {
	index, err := locs(ctx, n, "/sitemap.xml")
	if err != nil {
		return err
	}
	for _, p := range index {
		if monthFileRe.MatchString(p) {
			a.monthFiles = append(a.monthFiles, p)
		}
	}
	if len(a.monthFiles) == 0 {
		return usagef("the site has no published stories (its sitemap lists no month); fill it first with dateline gen")
	}
	slices.SortFunc(a.monthFiles, compareMonthFiles)
	m := monthFileRe.FindStringSubmatch(a.monthFiles[0])
	a.oldest, _ = time.Parse("2006-01", m[1])

	// The newest stories are at the end of the newest month's last files.
	for i := len(a.monthFiles) - 1; i >= 0 && len(a.newest) < 40; i-- {
		ps, err := locs(ctx, n, a.monthFiles[i])
		if err != nil {
			return err
		}
		a.newest = append(ps[max(0, len(ps)-(40-len(a.newest))):], a.newest...)
	}
	// Random articles from 40 random files (100,000 when they are full),
	// asked for in a shuffled order, so that none is asked for twice in a
	// run of fewer requests.
	for _, i := range rng.Perm(len(a.monthFiles))[:min(40, len(a.monthFiles))] {
		ps, err := locs(ctx, n, a.monthFiles[i])
		if err != nil {
			return err
		}
		a.articles = append(a.articles, ps...)
	}
	rng.Shuffle(len(a.articles), func(i, j int) { a.articles[i], a.articles[j] = a.articles[j], a.articles[i] })
	secs, err := locs(ctx, n, "/sitemaps/sections.xml")
	if err != nil {
		return err
	}
	for _, p := range secs {
		if p != "/" && p != "/news" && strings.Count(p, "/") == 1 {
			a.sections = append(a.sections, p)
			a.sectionSlug = append(a.sectionSlug, p[1:])
		}
	}
	if len(a.sections) == 0 {
		return errors.New("the sitemap of sections lists no section")
	}
	return nil
}

// article is the next of the random articles, from the start again when
// all were asked for.
func (a *benchAddrs) article() string {
	return a.articles[int(a.nextArticle.Add(1)-1)%len(a.articles)]
}

// compareMonthFiles orders month files by month, then by their number.
func compareMonthFiles(x, y string) int {
	mx, my := monthFileRe.FindStringSubmatch(x), monthFileRe.FindStringSubmatch(y)
	if c := strings.Compare(mx[1], my[1]); c != 0 {
		return c
	}
	nx, _ := strconv.Atoi(mx[2])
	ny, _ := strconv.Atoi(my[2])
	return nx - ny
}

// sampleStories reads the newest API page and a few at random depths, for
// headlines to search for and the biggest topic and person.
func (a *benchAddrs) sampleStories(ctx context.Context, n *benchNode, token string, rng *rand.Rand) error {
	topics, persons := map[tagRef]int{}, map[tagRef]int{}
	for i := range 6 {
		path := "/api/v1/items?limit=100"
		if i > 0 {
			path += "&cursor=" + a.randomCursor(rng)
		}
		body, err := n.get(ctx, path, token, false)
		if err != nil {
			return err
		}
		var page struct{ Items []ninjs.Item }
		if err := json.Unmarshal(body, &page); err != nil {
			return fmt.Errorf("GET %s: %w", path, err)
		}
		for _, it := range page.Items {
			a.addStory(it, topics, persons)
		}
		time.Sleep(tokenSpacing)
	}
	a.topic, a.person = biggest(topics), biggest(persons)
	if len(a.headlines) == 0 || a.topic.slug == "" || a.person.slug == "" {
		return usagef("the stories the API lists have no headlines, topics or persons to measure")
	}
	return nil
}

func (a *benchAddrs) addStory(it ninjs.Item, topics, persons map[tagRef]int) {
	section := ""
	for _, s := range it.Subjects {
		if _, slug, ok := strings.Cut(s.URI, "/topics/"); ok {
			topics[tagRef{slug, s.Name}]++
		} else if s.Rel == "section" {
			section = s.URI[strings.LastIndex(s.URI, "/")+1:]
		}
	}
	for _, p := range it.People {
		if _, slug, ok := strings.Cut(p.URI, "/persons/"); ok {
			persons[tagRef{slug, p.Name}]++
		}
	}
	if len(it.Headlines) > 0 {
		a.headlines = append(a.headlines, headline{it.Headlines[0].Value, section})
	}
}

func biggest(counts map[tagRef]int) tagRef {
	var best tagRef
	for t, c := range counts {
		if c > counts[best] || (c == counts[best] && t.slug < best.slug) {
			best = t
		}
	}
	return best
}

// randomCursor is a "before" cursor at a random instant between the start
// of the oldest month and now, so a page at a random depth of any list.
func (a *benchAddrs) randomCursor(rng *rand.Rand) string {
	span := time.Since(a.oldest)
	t := a.oldest.Add(time.Duration(rng.Int63n(int64(span))))
	return dateline.Cursor{Time: t, ID: 1 << 40}.String()
}

func pickOne(rng *rand.Rand, xs []string) string { return xs[rng.Intn(len(xs))] }

// searchKind is one kind of query of "dateline bench-search".
type searchKind struct {
	name    string
	words   int
	section bool
	phrase  bool
}

var searchKinds = []searchKind{
	{"1 word", 1, false, false}, {"1 word + section", 1, true, false},
	{"2 words", 2, false, false}, {"2 words + section", 2, true, false},
	{"3 words", 3, false, false}, {"3 words + section", 3, true, false},
	{"phrase of 2", 2, false, true},
}

// searchPath makes a search page address of the kind from a sampled
// headline's words, as readers search for what they remember: half of the
// section filters are the story's own section, half another one.
func (a *benchAddrs) searchPath(rng *rand.Rand, k searchKind) string {
	for range 1000 {
		h := a.headlines[rng.Intn(len(a.headlines))]
		q, ok := headlineQuery(rng, h.text, k.words)
		if !ok {
			continue
		}
		if k.phrase {
			q = `"` + q + `"`
		}
		v := url.Values{"q": {q}}
		if k.section {
			sec := h.section
			if sec == "" || rng.Intn(2) == 0 {
				sec = pickOne(rng, a.sectionSlug)
			}
			v.Set("section", sec)
		}
		return "/search?" + v.Encode()
	}
	return "/search?q=" + url.QueryEscape(strings.Fields(a.headlines[0].text)[0])
}

// headlineQuery is a run of words of a headline, as readers type them:
// words of at least four letters. ok is false when the headline has too
// few.
func headlineQuery(rng *rand.Rand, text string, words int) (q string, ok bool) {
	var ws []string
	for _, w := range search.Words(text) {
		if len([]rune(w)) >= 4 {
			ws = append(ws, w)
		}
	}
	if len(ws) < words {
		return "", false
	}
	start := rng.Intn(len(ws) - words + 1)
	return strings.Join(ws[start:start+words], " "), true
}
