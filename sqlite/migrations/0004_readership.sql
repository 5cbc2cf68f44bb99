-- Readership: views per article and minute, running totals per window
-- (see dateline.Readership), and the event log of the live stream.

-- Counted views of an article in one minute (dateline.Minute). Read by
-- minute ranges when minutes leave a window; dropped an hour after they
-- leave the week.
CREATE TABLE view_minutes (
	minute     INTEGER NOT NULL,
	article_id INTEGER NOT NULL,
	count      INTEGER NOT NULL,
	PRIMARY KEY (minute, article_id)
) WITHOUT ROWID;

-- Each article's views in each window as of the window's edge, with its
-- section (kept in step by the article writes). Rows whose three totals
-- reach 0 are deleted. The partial indexes hold only articles with views
-- in the window, by section: "most read" of a section walks its part of
-- one index, and of the whole site merges the sections' walks, so neither
-- reads more than limit rows per section, however quiet the section.
-- No foreign key: articles are never deleted, AddViews keeps only ids of
-- existing articles, and rows age out with their minutes anyway.
CREATE TABLE view_windows (
	article_id INTEGER PRIMARY KEY,
	section_id INTEGER NOT NULL,
	now        INTEGER NOT NULL DEFAULT 0,
	today      INTEGER NOT NULL DEFAULT 0,
	week       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX view_windows_now ON view_windows (section_id, now DESC) WHERE now > 0;
CREATE INDEX view_windows_today ON view_windows (section_id, today DESC) WHERE today > 0;
CREATE INDEX view_windows_week ON view_windows (section_id, week DESC) WHERE week > 0;

-- For each window (by its length in minutes), the last minute that has
-- left it: its totals hold the minutes after through. A missing row means
-- 0 (nothing has left yet): rows are made by the first ExpireViews, so
-- that a new database stays empty for a move into it.
CREATE TABLE view_edges (
	window_minutes INTEGER PRIMARY KEY,
	through        INTEGER NOT NULL
);

-- What readers may hear of, in commit order: AUTOINCREMENT so that ids
-- are never reused, even when every event was pruned.
CREATE TABLE events (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	at         INTEGER NOT NULL,
	kind       TEXT NOT NULL,
	article_id INTEGER NOT NULL,
	section    TEXT NOT NULL,
	headline   TEXT NOT NULL,
	lang       TEXT NOT NULL,
	urgency    INTEGER NOT NULL,
	breaking   INTEGER NOT NULL,
	topics     TEXT NOT NULL DEFAULT '' -- slugs, space-separated
);
CREATE INDEX events_at ON events (at);

-- The topics (kind 0) and persons (kind 1) of published articles, by tag
-- and publication time, for "related stories": the newest articles of a
-- tag are a walk down its part of the key, however many it has. Written
-- in the article's transaction, like the search index (see indexTags),
-- and rebuilt after a move.
CREATE TABLE published_tags (
	kind         INTEGER NOT NULL,
	tag_id       INTEGER NOT NULL,
	published_at INTEGER NOT NULL,
	article_id   INTEGER NOT NULL,
	PRIMARY KEY (kind, tag_id, published_at, article_id)
) WITHOUT ROWID;
CREATE INDEX published_tags_article ON published_tags (article_id);
INSERT INTO published_tags (kind, tag_id, published_at, article_id)
	SELECT 0, x.topic_id, COALESCE(a.published_at, 0), a.id FROM article_topics x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published'
	UNION ALL
	SELECT 1, x.person_id, COALESCE(a.published_at, 0), a.id FROM article_persons x JOIN articles a ON a.id = x.article_id
	WHERE a.status = 'published';
