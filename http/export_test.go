package http

// DropCache empties the page cache, for cold benchmarks.
func (s *Server) DropCache() { s.cache.invalidate() }
