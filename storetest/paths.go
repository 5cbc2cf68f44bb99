package storetest

import (
	"time"

	"dateline"
)

// ListPath is a list the site pages deep into, as ArticleFilter asks for
// it, for the engines' query-plan tests: each must be a walk of an index
// (no full scan of articles, no sort for its order).
type ListPath struct {
	Name   string
	Filter dateline.ArticleFilter
}

// ListPaths are the lists that page: /news (all, or several sections),
// a section, a topic and a person page, and the read API's list with its
// filters, each from a cursor deep in the archive.
func ListPaths() []ListPath {
	before := &dateline.Cursor{Time: time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC), ID: 500000}
	since := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	return []ListPath{
		{"news", dateline.ArticleFilter{Before: before, Limit: 20}},
		{"news sections", dateline.ArticleFilter{Sections: []string{"politics", "world", "economy"}, Before: before, Limit: 20}},
		{"section", dateline.ArticleFilter{Sections: []string{"sport"}, Before: before, Limit: 20}},
		{"topic", dateline.ArticleFilter{Topic: "elections", Before: before, Limit: 20}},
		{"person", dateline.ArticleFilter{Person: "vladimir-putin", Before: before, Limit: 20}},
		{"api items", dateline.ArticleFilter{Before: before, Since: since, Limit: 100}},
		{"api section", dateline.ArticleFilter{Sections: []string{"world"}, Before: before, Since: since, Limit: 100}},
		{"api topic in section", dateline.ArticleFilter{Topic: "elections", Person: "vladimir-putin", Sections: []string{"world"}, Before: before, Limit: 100}},
	}
}
