-- The cleanup of Superdesk's unused uploads (PruneSuperdeskAssets) finds
-- the unused ones by age, and whether another upload keeps a file by its
-- path.
CREATE INDEX superdesk_assets_unused ON superdesk_assets (created_at) WHERE photo_path = '';
CREATE INDEX superdesk_assets_path ON superdesk_assets (path);
