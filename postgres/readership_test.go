package postgres

import (
	"context"
	"reflect"
	"testing"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/storetest"
)

// TestReadershipMigration applies 0004 to a database made before it, with
// stories: their tags are in published_tags at once.
func TestReadershipMigration(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	db, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.FillNewsroom(t, db)
	neighbours := func(db *DB) [][]dateline.Neighbour {
		var all [][]dateline.Neighbour
		for id := range int64(10) {
			ns, err := db.Neighbours(ctx, id, 50)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ns)
		}
		return all
	}
	before := neighbours(db)
	if len(before[1]) == 0 {
		t.Fatal("the filled site has no related stories")
	}
	if _, err := db.primary.Exec(ctx, `DROP TABLE view_minutes, view_windows, view_edges, events, published_tags;
		DELETE FROM migrations WHERE name = 'migrations/0004_readership.sql'`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, dsn, Options{}); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if after := neighbours(db); !reflect.DeepEqual(after, before) {
		t.Errorf("related stories after the migration\n%+v\nwant\n%+v", after, before)
	}
}
