package storetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"dateline"
	"dateline/demo"
	"dateline/media"
	"dateline/search"
)

// Relevance runs the search relevance suite (testdata/search/relevance.json)
// on a store filled with the demo site and the suite's own articles
// (testdata/search/articles.json): for each query, the articles that must
// come first come first, and those that must not match do not. root is the
// path of the repository from the calling test.
func Relevance(t *testing.T, s dateline.Store, root string) {
	now := time.Now().UTC().Truncate(time.Second)
	for _, sec := range dateline.DefaultSections {
		sec := sec
		if err := s.SaveSection(ctx, &sec); err != nil {
			t.Fatal(err)
		}
	}
	files := media.Dir{Root: t.TempDir()}
	if _, err := demo.Load(ctx, s, files, now); err != nil {
		t.Fatal(err)
	}
	extra, err := os.ReadFile(filepath.Join(root, "testdata/search/articles.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.LoadArticles(ctx, s, files, extra, now); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "testdata/search/relevance.json"))
	if err != nil {
		t.Fatal(err)
	}
	var suite struct {
		Queries []struct {
			Q       string
			First   []string
			Absent  []string
			Section string
			Note    string
		}
	}
	if err := json.Unmarshal(raw, &suite); err != nil {
		t.Fatal(err)
	}
	if len(suite.Queries) < 30 {
		t.Fatalf("the suite has %d queries, want at least 30", len(suite.Queries))
	}
	for _, q := range suite.Queries {
		pq, err := search.Parse(q.Q)
		if err != nil {
			t.Errorf("%q: %v", q.Q, err)
			continue
		}
		f := dateline.SearchFilter{Must: pq.Must, Not: pq.Not, Limit: 50, Now: now}
		if q.Section != "" {
			f.Sections = []string{q.Section}
		}
		res, err := s.Search(ctx, f)
		if err != nil {
			t.Fatalf("%q: %v", q.Q, err)
		}
		rank := map[string]int{}
		var got []string
		for i, h := range res.Hits {
			rank[h.Article.URI] = i + 1
			got = append(got, h.Article.URI)
		}
		for _, k := range q.First {
			if r := rank[demo.URI(k)]; r == 0 || r > len(q.First) {
				t.Errorf("%q: %s is at %d, want among the first %d (%s)\n  got %v", q.Q, k, r, len(q.First), q.Note, got)
			}
		}
		for _, k := range q.Absent {
			if rank[demo.URI(k)] != 0 {
				t.Errorf("%q: %s was found, must not be (%s)", q.Q, k, q.Note)
			}
		}
	}
}
