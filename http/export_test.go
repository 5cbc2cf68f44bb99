package http

import "dateline"

// DropCache empties the page cache, for cold benchmarks.
func (s *Server) DropCache() { s.cache.invalidate() }

// DiffDrafts is diffDrafts for the tests.
func DiffDrafts(a, b *dateline.Draft) { diffDrafts(a, b, "a", "b") }
