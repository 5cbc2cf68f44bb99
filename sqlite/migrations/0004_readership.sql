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

-- Each article's views in each window as of the window's edge. Rows whose
-- three totals reach 0 are deleted. The partial indexes hold only
-- articles with views in the window, so "most read" walks one of them.
-- No foreign key: articles are never deleted, AddViews keeps only ids of
-- existing articles, and rows age out with their minutes anyway.
CREATE TABLE view_windows (
	article_id INTEGER PRIMARY KEY,
	now        INTEGER NOT NULL DEFAULT 0,
	today      INTEGER NOT NULL DEFAULT 0,
	week       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX view_windows_now ON view_windows (now DESC) WHERE now > 0;
CREATE INDEX view_windows_today ON view_windows (today DESC) WHERE today > 0;
CREATE INDEX view_windows_week ON view_windows (week DESC) WHERE week > 0;

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
