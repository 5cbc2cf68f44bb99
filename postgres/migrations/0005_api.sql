-- Tokens that may see embargoed stories before their release.
ALTER TABLE tokens ADD COLUMN embargo BOOLEAN NOT NULL DEFAULT false;
