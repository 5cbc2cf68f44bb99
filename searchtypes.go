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
	Offset    int
	Limit     int
	Now       time.Time // for the recency boost
}

// SearchHit is one article found, with the plain text snippets are cut from.
type SearchHit struct {
	Article Article
	Text    string
}

// SearchResult is one page of hits. Total counts every match up to
// SearchCountLimit; TotalCapped says there are more.
type SearchResult struct {
	Hits        []SearchHit
	Total       int
	TotalCapped bool
	// Ranked is how many of the newest matches were ranked; pages reach
	// no further than that.
	Ranked int
}

// Limits of a search: the newest SearchCandidates matches are ranked (a
// news search wants recent stories, and ranking every match of a common
// word in millions of stories costs hundreds of milliseconds), and matches
// are counted up to SearchCountLimit.
const (
	SearchCandidates = 1000
	SearchCountLimit = 10000
)
