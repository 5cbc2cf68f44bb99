-- A story's words for search results and shared links, set in the
-- newsroom: empty shows the lead and the headline.
ALTER TABLE articles ADD COLUMN meta_description TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN social_headline TEXT NOT NULL DEFAULT '';
