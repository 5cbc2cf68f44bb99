-- Editions: each section belongs to one language's edition, and articles
-- are linked as translations of each other. A translation group is named
-- by its first article; every member, the first included, has a row.
ALTER TABLE sections ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';

CREATE TABLE translations (
	article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
	group_id   INTEGER NOT NULL
);
CREATE INDEX translations_group ON translations (group_id);
