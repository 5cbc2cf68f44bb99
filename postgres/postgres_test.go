package postgres_test

import (
	"context"
	"testing"

	"dateline"
	"dateline/internal/pgtest"
	"dateline/postgres"
	"dateline/storetest"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) dateline.Store {
		db, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	})
}

func TestRelevance(t *testing.T) {
	db, err := postgres.Open(context.Background(), pgtest.Schema(t), postgres.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	storetest.Relevance(t, db, "..")
}
