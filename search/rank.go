package search

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"dateline"
)

// Candidate is a match as an engine found it: its relevance by the
// engine's own measure (higher is better) and its publication time.
type Candidate struct {
	ID        int64
	Relevance float64
	Published time.Time
}

// Relevance scores a match by how many of the query's wanted words and
// phrases stand in its headline: a story about the thing outranks one that
// mentions it. Both engines score the same way, so they rank alike.
func Relevance(inHeadline, wanted int) float64 {
	if wanted == 0 {
		return 1
	}
	return 1 + 3*float64(inHeadline)/float64(wanted)
}

// HeadlineShare is how many of the wanted phrases stand in the headline,
// each as a run of terms.
func HeadlineShare(headline string, must [][]string) int {
	terms := Terms(headline)
	n := 0
	for _, p := range must {
		for i := 0; i+len(p) <= len(terms); i++ {
			match := true
			for j, t := range p {
				if terms[i+j] != t {
					match = false
					break
				}
			}
			if match {
				n++
				break
			}
		}
	}
	return n
}

// ReadBudget bounds how long an engine reads candidates: past it, the
// search ranks the newest matches it has, so a search of rare
// combinations in millions of stories still answers in time.
const ReadBudget = 4 * time.Millisecond

// DateReadBudget bounds the read of a search by date, whose pages must all
// rank the same window (see dateline.SearchDepth): it only stops a read
// that has gone wrong, never an ordinary one on a busy machine.
const DateReadBudget = 3 * time.Second

// Rank orders candidates newest first (byDate), or by relevance with a
// boost for recent stories fit for news: a story of today counts double, one
// of three days ago one and a half times, one of a month ago barely more.
func Rank(cs []Candidate, now time.Time, byDate bool) {
	if byDate {
		sort.SliceStable(cs, func(i, j int) bool {
			if !cs[i].Published.Equal(cs[j].Published) {
				return cs[i].Published.After(cs[j].Published)
			}
			return cs[i].ID > cs[j].ID
		})
		return
	}
	score := make(map[int64]float64, len(cs))
	for _, c := range cs {
		days := math.Max(0, now.Sub(c.Published).Hours()/24)
		score[c.ID] = c.Relevance * (1 + 1/(1+days/3))
	}
	sort.SliceStable(cs, func(i, j int) bool {
		si, sj := score[cs[i].ID], score[cs[j].ID]
		if si != sj {
			return si > sj
		}
		return cs[i].ID > cs[j].ID
	})
}

// Facet tokens: what a search can filter on, indexed beside the text.
func SectionFacet(id int64) string { return "s" + strconv.FormatInt(id, 10) }
func TopicFacet(id int64) string   { return "t" + strconv.FormatInt(id, 10) }
func PersonFacet(id int64) string  { return "p" + strconv.FormatInt(id, 10) }

// DayFacets are the tokens of a publication day: its year, month and day.
func DayFacets(t time.Time) []string {
	t = t.UTC()
	return []string{"y" + t.Format("2006"), "m" + t.Format("200601"), "d" + t.Format("20060102")}
}

// RangeFacets covers the days from..to (inclusive, UTC) with as few tokens
// as it can: whole years, then whole months, then days. A zero bound is
// open; two open bounds give nil (no filter).
func RangeFacets(from, to time.Time) []string {
	if from.IsZero() && to.IsZero() {
		return nil
	}
	if from.IsZero() {
		from = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if to.IsZero() {
		to = time.Now().UTC().AddDate(1, 0, 0)
	}
	from = time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, time.UTC)
	to = time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, time.UTC)
	var out []string
	for d := from; !d.After(to); {
		switch {
		case d.YearDay() == 1 && !d.AddDate(1, 0, -1).After(to):
			out = append(out, "y"+d.Format("2006"))
			d = d.AddDate(1, 0, 0)
		case d.Day() == 1 && !d.AddDate(0, 1, -1).After(to):
			out = append(out, "m"+d.Format("200601"))
			d = d.AddDate(0, 1, 0)
		default:
			out = append(out, "d"+d.Format("20060102"))
			d = d.AddDate(0, 0, 1)
		}
		if len(out) > 400 {
			break
		}
	}
	return out
}

// Facets are an article's facet tokens, space-separated.
func Facets(sectionID int64, topicIDs, personIDs []int64, published time.Time) string {
	parts := []string{SectionFacet(sectionID)}
	for _, id := range topicIDs {
		parts = append(parts, TopicFacet(id))
	}
	for _, id := range personIDs {
		parts = append(parts, PersonFacet(id))
	}
	parts = append(parts, DayFacets(published)...)
	return strings.Join(parts, " ")
}

// Document is what the index holds for an article: its headline terms, its
// lead and body terms, and its facet tokens.
func Document(a *dateline.Article, sectionID int64) (headline, body string, facets []string) {
	var text strings.Builder
	text.WriteString(a.Lead)
	for _, p := range a.Pages {
		text.WriteByte(' ')
		text.WriteString(HTMLText(p))
	}
	var topics, persons []int64
	for _, t := range a.Topics {
		if t.ID != 0 {
			topics = append(topics, t.ID)
		}
	}
	for _, p := range a.Persons {
		if p.ID != 0 {
			persons = append(persons, p.ID)
		}
	}
	return Joined(a.Headline), Joined(text.String()), strings.Fields(Facets(sectionID, topics, persons, a.PublishedAt))
}

// Hits puts a page of ranked candidates together with the articles and
// first-page bodies an engine read for them, keeping the candidates' order
// and dropping any that is no longer published.
func Hits(page []Candidate, list []dateline.Article, firstPages map[int64]string) []dateline.SearchHit {
	byID := make(map[int64]dateline.Article, len(list))
	for _, a := range list {
		byID[a.ID] = a
	}
	var hits []dateline.SearchHit
	for _, c := range page {
		a, ok := byID[c.ID]
		if !ok || a.Status != dateline.StatusPublished {
			continue
		}
		hits = append(hits, dateline.SearchHit{Article: a, Text: JoinText(a.Lead, HTMLText(firstPages[c.ID]))})
	}
	return hits
}
