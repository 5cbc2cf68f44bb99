package sqlstore

import (
	"context"

	"dateline"
)

// A fan-out of the event log (push's, the readers' and the clients'
// alerts) keeps the
// newest event it has read in a table of one row. A transaction that
// reads events locks the row (FOR UPDATE SKIP LOCKED on PostgreSQL;
// SQLite has one writer), so one node at a time fans out, and moves it in
// the same transaction as what it wrote: each event is read once.

// startCursor makes the cursor of table at the newest event, unless it
// is there: a fan-out starts with its first subscriber, not the past.
func startCursor(ctx context.Context, tx Querier, table string) error {
	_, err := tx.Exec(ctx, `INSERT INTO `+table+` (id, last_event) SELECT 1, COALESCE(MAX(id), 0) FROM events WHERE true ON CONFLICT (id) DO NOTHING`)
	return err
}

// cursorEvents locks the cursor of table and reads up to limit events
// after it. None when another node holds it, or it was never started.
func (db *DB) cursorEvents(ctx context.Context, tx Querier, table string, limit int) ([]dateline.Event, error) {
	last, ok, err := db.lockCursor(ctx, tx, table)
	if !ok || err != nil {
		return nil, err // another node is fanning out
	}
	return collect(ctx, tx, scanEvent, `SELECT id, at, kind, article_id, section, headline, lang, urgency, breaking, topics, collection
		FROM events WHERE id > ? ORDER BY id LIMIT ?`, last, limit)
}

// lockCursor locks the cursor of table and reads it; ok is false when
// another node holds it (or it was never started).
func (db *DB) lockCursor(ctx context.Context, tx Querier, table string) (last int64, ok bool, err error) {
	err = tx.QueryRow(ctx, `SELECT last_event FROM `+table+` WHERE id = 1`+db.SkipLocked).Scan(&last)
	if noRows(err) {
		return 0, false, nil
	}
	return last, err == nil, err
}

// moveCursor moves the cursor of table past events.
func moveCursor(ctx context.Context, tx Querier, table string, events []dateline.Event) error {
	_, err := tx.Exec(ctx, `UPDATE `+table+` SET last_event = ? WHERE id = 1`, events[len(events)-1].ID)
	return err
}
