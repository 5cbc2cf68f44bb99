-- Archive scale (a million stories): lists page by row-value cursors on
-- (published_at, id) within the indexes they already have
-- (articles_feed, articles_section_feed, published_tags), and the
-- sitemap index reads its months from a table kept by triggers in the
-- transaction of every write to articles.

-- sitemap_months holds, per month (UTC) of first publication, the
-- published articles and the newest change to an article first published
-- in it that has been public (published, withdrawn, or taken back to
-- draft), which is when the month's sitemap last changed.
CREATE TABLE sitemap_months (
	month    INTEGER PRIMARY KEY, -- Unix seconds of the month's first instant
	count    INTEGER NOT NULL,
	modified INTEGER NOT NULL     -- Unix seconds
);

INSERT INTO sitemap_months (month, count, modified)
	SELECT unixepoch(published_at, 'unixepoch', 'start of month'), SUM(status = 'published'), MAX(modified_at)
	FROM articles WHERE published_at IS NOT NULL AND status IN ('published', 'withdrawn', 'draft')
	GROUP BY 1;

-- A story enters its month when it is written there...
CREATE TRIGGER sitemap_months_in AFTER INSERT ON articles
	WHEN NEW.published_at IS NOT NULL AND NEW.status IN ('published', 'withdrawn', 'draft')
BEGIN
	INSERT INTO sitemap_months (month, count, modified)
		VALUES (unixepoch(NEW.published_at, 'unixepoch', 'start of month'), NEW.status = 'published', NEW.modified_at)
		ON CONFLICT (month) DO UPDATE SET count = count + excluded.count, modified = MAX(modified, excluded.modified);
END;

-- ... leaves it (and enters another) when its status or date changes,
-- and changes it whenever it changes.
CREATE TRIGGER sitemap_months_up AFTER UPDATE OF status, published_at, modified_at ON articles
BEGIN
	UPDATE sitemap_months SET count = count - (OLD.status = 'published'), modified = MAX(modified, NEW.modified_at)
		WHERE OLD.published_at IS NOT NULL AND OLD.status IN ('published', 'withdrawn', 'draft')
			AND month = unixepoch(OLD.published_at, 'unixepoch', 'start of month');
	INSERT INTO sitemap_months (month, count, modified)
		SELECT unixepoch(NEW.published_at, 'unixepoch', 'start of month'), NEW.status = 'published', NEW.modified_at
		WHERE NEW.published_at IS NOT NULL AND NEW.status IN ('published', 'withdrawn', 'draft')
		ON CONFLICT (month) DO UPDATE SET count = count + excluded.count, modified = MAX(modified, excluded.modified);
END;

CREATE TRIGGER sitemap_months_out AFTER DELETE ON articles
	WHEN OLD.published_at IS NOT NULL AND OLD.status = 'published'
BEGIN
	UPDATE sitemap_months SET count = count - 1 WHERE month = unixepoch(OLD.published_at, 'unixepoch', 'start of month');
END;
