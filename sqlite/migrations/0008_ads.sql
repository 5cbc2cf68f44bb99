-- Ads (dateline.Ads) and labelled commercial content. An article may be
-- marked partner material or advertising; readers see the label wherever
-- it appears.
ALTER TABLE articles ADD COLUMN commercial TEXT NOT NULL DEFAULT ''
	CHECK (commercial IN ('', 'partner', 'advertising'));

-- One row a filled slot: an image from the media library with a link, or
-- a frame from another origin. Times are Unix seconds; NULL dates are no
-- limit.
CREATE TABLE ads (
	id           INTEGER PRIMARY KEY,
	slot         TEXT NOT NULL UNIQUE CHECK (slot IN ('header', 'article', 'sidebar')),
	kind         TEXT NOT NULL CHECK (kind IN ('image', 'frame')),
	photo_id     INTEGER REFERENCES photos(id) ON DELETE CASCADE,
	link         TEXT NOT NULL DEFAULT '',
	alt          TEXT NOT NULL DEFAULT '',
	frame_url    TEXT NOT NULL DEFAULT '',
	width        INTEGER NOT NULL DEFAULT 0,
	height       INTEGER NOT NULL DEFAULT 0,
	active_from  INTEGER,
	active_until INTEGER,
	updated_at   INTEGER NOT NULL
);

-- The switch that turns every ad off: at most one row (id 1); none means
-- ads are on.
CREATE TABLE ad_settings (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	off        INTEGER NOT NULL DEFAULT 0,
	updated_at INTEGER NOT NULL
);
