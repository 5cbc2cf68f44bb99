-- A gallery's or an infographic's publish, update and kill are logged in
-- the event log beside the stories': collection is '' for a story, else
-- the kind ('gallery' or 'infographic'), article_id then holding the
-- collection's id. Readers that mean stories skip collection <> ''.
ALTER TABLE events ADD COLUMN collection TEXT NOT NULL DEFAULT '';
