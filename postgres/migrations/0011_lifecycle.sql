-- The lifecycle of a wire story (README, "The lifecycle of a story").
-- A withheld story is a draft with withheld set, so the status column
-- keeps its four values (like a submitted story, a draft with
-- submitted_at).
ALTER TABLE articles ADD COLUMN withheld BOOLEAN NOT NULL DEFAULT false;
-- Who sent the story: a token's source, '' for a story written in the
-- newsroom or made here (demo, gen). Only its own source may change it.
ALTER TABLE articles ADD COLUMN source TEXT NOT NULL DEFAULT '';
-- The sender's version ("3", "1.2.10"), '' when it gave none.
ALTER TABLE articles ADD COLUMN wire_version TEXT NOT NULL DEFAULT '';
-- Stories sent before sources existed came from the wire.
UPDATE articles SET source = 'wire'
	WHERE substr(uri, 1, 22) <> 'urn:dateline:newsroom:' AND substr(uri, 1, 18) <> 'urn:dateline:demo:'
		AND substr(uri, 1, 17) <> 'urn:dateline:gen:';
-- Embargoes are written exact to the millisecond (the column always
-- could hold them).

-- The source a write token speaks for; tokens made before sources
-- existed speak for the wire.
ALTER TABLE tokens ADD COLUMN source TEXT NOT NULL DEFAULT '';
UPDATE tokens SET source = 'wire';
