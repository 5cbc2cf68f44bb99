package http

import (
	"dateline"
	"dateline/newsroom"
)

// DropCache empties the page cache, for cold benchmarks.
func (s *Server) DropCache() { s.site.Kit.DropCache() }

// DiffDrafts is the comparison the history and conflict pages show, for
// the tests.
func DiffDrafts(a, b *dateline.Draft) { newsroom.DiffDrafts(a, b, "a", "b") }

// CacheHits is how many requests the page cache answered.
func (s *Server) CacheHits() int64 { return s.site.Kit.CacheStats().Hits.Load() }
