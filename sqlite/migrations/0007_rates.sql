-- Official exchange rates (dateline.Rates): one row a day and source in
-- rate_tables, one row a currency in rates. Dates are 'YYYY-MM-DD' text
-- (a civil date has no zone); rates are exact fractions as text
-- ("1151963/10000"), never floats. Times are Unix seconds.
CREATE TABLE rate_tables (
	id         INTEGER PRIMARY KEY,
	source     TEXT NOT NULL,
	day        TEXT NOT NULL,
	base       TEXT NOT NULL,
	note       TEXT NOT NULL DEFAULT '',
	fetched_at INTEGER NOT NULL,
	UNIQUE (source, day)
);

CREATE TABLE rates (
	table_id  INTEGER NOT NULL REFERENCES rate_tables(id) ON DELETE CASCADE,
	code      TEXT NOT NULL,
	name      TEXT NOT NULL DEFAULT '',
	nominal   INTEGER NOT NULL CHECK (nominal > 0),
	published TEXT NOT NULL,
	per_unit  TEXT NOT NULL,
	PRIMARY KEY (table_id, code)
);
