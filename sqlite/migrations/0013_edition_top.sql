-- Top stories per edition: each row of the home page's list belongs to one
-- edition's list. Positions stay unique across the table; an edition's
-- list is its rows in position order.
ALTER TABLE home_top ADD COLUMN edition TEXT NOT NULL DEFAULT 'en';
CREATE INDEX home_top_edition ON home_top (edition, position);
