package http

// SetSitemapSizes makes the server's sitemap files hold at most this many
// stories, news stories and tag ids, so tests can see files split.
func (s *Server) SetSitemapSizes(articles, news, tags int) {
	s.site.Sitemaps.SetSizes(articles, news, tags)
}
