// Package related chooses the "Related stories" under an article: the
// editor's "Read also" links first, then published stories that share its
// topics and persons, weighted by how many they share, how recent they
// are, and how alike their headlines and leads are.
package related

import (
	"math"
	"sort"
	"time"

	"dateline"
	"dateline/search"
)

// Story is one related story as a page shows it.
type Story struct {
	ID          int64
	Section     string
	SectionName string
	Headline    string
	Lang        string
	Commercial  string    // the story's commercial mark (dateline.Article.Commercial)
	PublishedAt time.Time // zero for a "Read also" link whose time is not loaded
	Photo       *dateline.Photo
	ReadAlso    bool // chosen by the editor
	Score       float64
}

// Weights of the score of a neighbour.
const (
	perTag     = 1.0  // each topic or person in common
	similarity = 3.0  // times the share of words in common (0..1)
	recency    = 1.5  // for a story published now, halving every halfLife
	halfLife   = 72.0 // hours
)

// Pick returns up to n related stories for a: its "Read also" links that
// point at published stories (published tells which), then the best of
// the neighbours by score. Never a itself, never twice the same story.
func Pick(a *dateline.Article, published map[int64]bool, neighbours []dateline.Neighbour, now time.Time, n int) []Story {
	seen := map[int64]bool{a.ID: true}
	var out []Story
	for _, ref := range a.ReadAlso {
		if len(out) == n {
			return out
		}
		if ref.ID == 0 || seen[ref.ID] || !published[ref.ID] {
			continue
		}
		seen[ref.ID] = true
		out = append(out, Story{ID: ref.ID, Section: ref.Section, Headline: ref.Headline, Lang: ref.Lang, Commercial: ref.Commercial, ReadAlso: true})
	}
	words := terms(a.Headline + " " + a.Lead)
	scored := make([]Story, 0, len(neighbours))
	for i := range neighbours {
		nb := &neighbours[i]
		if seen[nb.ID] || nb.Status != dateline.StatusPublished {
			continue
		}
		age := math.Max(0, now.Sub(nb.PublishedAt).Hours())
		score := perTag*float64(nb.Shared) + recency*math.Exp2(-age/halfLife) + similarity*jaccard(words, terms(nb.Headline+" "+nb.Lead))
		scored = append(scored, Story{ID: nb.ID, Section: nb.Section, SectionName: nb.SectionName, Headline: nb.Headline,
			Lang: nb.Lang, Commercial: nb.Commercial, PublishedAt: nb.PublishedAt, Photo: nb.Photo, Score: score})
	}
	sort.SliceStable(scored, func(i, j int) bool {
		if scored[i].Score != scored[j].Score {
			return scored[i].Score > scored[j].Score
		}
		return scored[i].PublishedAt.After(scored[j].PublishedAt)
	})
	for _, s := range scored {
		if len(out) == n {
			break
		}
		seen[s.ID] = true
		out = append(out, s)
	}
	return out
}

// stop are words too common to make two stories alike.
var stop = map[string]bool{}

func init() {
	for _, w := range []string{"the", "a", "an", "of", "in", "on", "to", "and", "for", "with", "at", "by", "from", "is", "as", "after", "over",
		"its", "it", "be", "has", "have", "was", "were", "will", "says", "said", "new", "в", "и", "на", "с", "по", "не", "что", "о", "для", "из", "к"} {
		stop[search.Stem(search.Fold(w))] = true
	}
}

// terms are the folded, stemmed words of a text, without stop words.
func terms(text string) map[string]bool {
	m := map[string]bool{}
	for _, w := range search.Words(search.Fold(text)) {
		if st := search.Stem(w); len(st) > 1 && !stop[st] {
			m[st] = true
		}
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	in := 0
	for w := range a {
		if b[w] {
			in++
		}
	}
	return float64(in) / float64(len(a)+len(b)-in)
}
