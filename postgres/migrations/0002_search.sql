-- The full-text index: one row per published article, holding search
-- terms made in Go (folded and stemmed words, see package search) as a
-- tsvector of the 'simple' configuration (headline weight A, body D), and
-- facet tokens for filters. Rows leave when a story leaves the site.
CREATE TABLE article_search (
	article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
	doc        TSVECTOR NOT NULL,
	facets     TEXT[] NOT NULL
);
CREATE INDEX article_search_doc ON article_search USING gin (doc);
CREATE INDEX article_search_facets ON article_search USING gin (facets);

-- Which version of the search terms the index holds.
CREATE TABLE search_meta (version INTEGER NOT NULL);
