-- The full-text index: one row per published article, keyed by its id,
-- holding search terms made in Go (folded and stemmed words, see package
-- search) and facet tokens for filters. Contentless: the text lives in
-- articles; rows are deleted by rowid when a story leaves the site.
CREATE VIRTUAL TABLE article_fts USING fts5(
	headline, body, facets,
	content = '', contentless_delete = 1,
	tokenize = 'unicode61 remove_diacritics 0'
);

-- Which version of the search terms the index holds; an engine rebuilds
-- the index when it finds another (or none).
CREATE TABLE search_meta (version INTEGER NOT NULL);
