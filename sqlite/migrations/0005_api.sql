-- Tokens that may see embargoed stories before their release.
ALTER TABLE tokens ADD COLUMN embargo INTEGER NOT NULL DEFAULT 0;
