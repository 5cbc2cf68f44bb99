package dateline

import "time"

// SearchFilter is a search as engines run it. Must and Not hold terms made
// by package search: phrases of folded, stemmed words.
type SearchFilter struct {
	Must, Not [][]string
	Sections  []string  // slugs; empty means all
	Topic     string    // slug
	Person    string    // slug
	From, To  time.Time // publication days, inclusive, UTC; zero is open
	ByDate    bool      // newest first instead of by relevance
	// Before, with ByDate, keeps the matches with ids below it: the last
	// hit's ID is the cursor of the next page, which then costs what the
	// first does however deep it is (0: from the newest). Offset counts
	// from it.
	Before int64
	Offset int
	Limit  int
	Now    time.Time // for the recency boost
}

// SearchHit is one article found, with the plain text snippets are cut from.
type SearchHit struct {
	Article Article
	Text    string
}

// SearchResult is one page of hits. Total counts the matches up to
// SearchCandidates; TotalCapped says there are more.
type SearchResult struct {
	Hits        []SearchHit
	Total       int
	TotalCapped bool
	// Ranked is how many of the newest matches were ranked; pages reach
	// no further than that.
	Ranked int
}

// SearchCandidates is how many of the newest matches a search ranks and
// counts: a news search wants recent stories, and reading the matches of
// common words costs time in proportion to how far back it reads (about
// 7 ms for 300 matches of three words and a section in a million stories,
// 23 ms for 1,000). A search by date pages on, up to SearchDateDepth.
//
// A search by date reads the ids newest first but shows the matches by
// publication time, and those orders differ (an embargo lifted late keeps
// its old id): every page of it therefore ranks the same window, the newest
// SearchDateDepth matches, however deep the page, and an engine does not
// cut that read short for time within search.DateReadBudget. A window that
// grew with the offset, or stopped when a first page had enough, would let
// an older-id story rank among pages already shown: a page would repeat a
// story and the newest would be missed.
const (
	SearchCandidates = 300
	SearchDateDepth  = 1000
)

// SearchDepth is how many of the newest matches an engine reads for f:
// the same for every page of a search.
func SearchDepth(f SearchFilter) int {
	if f.ByDate {
		return SearchDateDepth
	}
	return SearchCandidates
}
