-- Galleries and infographics are drafts until published, and may be
-- withdrawn; those made before stay published.
ALTER TABLE galleries ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
ALTER TABLE infographics ADD COLUMN status TEXT NOT NULL DEFAULT 'published';
