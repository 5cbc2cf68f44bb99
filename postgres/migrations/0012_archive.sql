-- Archive scale (a million stories): lists page by row-value cursors on
-- (published_at, id) within the indexes they already have
-- (articles_feed, articles_section_feed, published_tags), and the
-- sitemap index reads its months from a table kept by a trigger in the
-- transaction of every write to articles.

-- sitemap_months holds, per month (UTC) of first publication, the
-- published articles and the newest change to an article first published
-- in it that has been public (published, withdrawn, or taken back to
-- draft), which is when the month's sitemap last changed.
CREATE TABLE sitemap_months (
	month    timestamptz PRIMARY KEY, -- the month's first instant, UTC
	count    integer NOT NULL,
	modified timestamptz NOT NULL
);

INSERT INTO sitemap_months (month, count, modified)
	SELECT date_trunc('month', published_at, 'UTC'), COUNT(*) FILTER (WHERE status = 'published'), MAX(modified_at)
	FROM articles WHERE published_at IS NOT NULL AND status IN ('published', 'withdrawn', 'draft')
	GROUP BY 1;

-- A story leaves its month (and enters another) when it is written,
-- deleted, or its status or date changes, and changes it whenever it
-- changes.
CREATE FUNCTION sitemap_months_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.published_at IS NOT NULL
			AND OLD.status IN ('published', 'withdrawn', 'draft') THEN
		UPDATE sitemap_months SET count = count - (OLD.status = 'published')::int,
				modified = CASE WHEN TG_OP = 'UPDATE' THEN GREATEST(modified, NEW.modified_at) ELSE modified END
			WHERE month = date_trunc('month', OLD.published_at, 'UTC');
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.published_at IS NOT NULL
			AND NEW.status IN ('published', 'withdrawn', 'draft') THEN
		INSERT INTO sitemap_months (month, count, modified)
			VALUES (date_trunc('month', NEW.published_at, 'UTC'), (NEW.status = 'published')::int, NEW.modified_at)
			ON CONFLICT (month) DO UPDATE SET count = sitemap_months.count + excluded.count,
				modified = GREATEST(sitemap_months.modified, excluded.modified);
	END IF;
	RETURN NULL;
END $$;

CREATE TRIGGER sitemap_months_keep AFTER INSERT OR DELETE OR UPDATE OF status, published_at, modified_at ON articles
	FOR EACH ROW EXECUTE FUNCTION sitemap_months_keep();
