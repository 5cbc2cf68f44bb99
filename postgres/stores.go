package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlstore"
)

// stores are the sub-stores DB embeds: the store is split by area, one
// type to a file (contentStore in articles.go and write.go, ...) with that
// file's methods, and the areas whose SQL both engines share
// (sqlstore.Stores: accounts, revisions and the photo library, media,
// partners, ads, rates). Every sub-store reaches the database and the
// other areas through *DB, and DB embeds them all, so *DB satisfies
// dateline.Store.
type stores struct {
	contentStore
	deskStore
	storyStore
	readershipStore
	searchStore
	sitemapStore
	tagStore
	translationStore
	transferStore
	sqlstore.Stores
}

var (
	_ dateline.Partners = (*DB)(nil)
	_ dateline.Ads      = (*DB)(nil)
	_ dateline.Rates    = (*DB)(nil)
)

// dialect is how PostgreSQL differs for the SQL of sqlstore: timestamps,
// its SQLSTATE codes, row locks, ILIKE.
var dialect = &sqlstore.Dialect{Name: "postgres", Time: ts, IsUnique: isUnique, IsForeignKey: isForeignKey,
	SkipLocked: " FOR UPDATE SKIP LOCKED", ILike: "ILIKE", LockEvents: fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", int64(eventsLock))}

// bind points every sub-store at db. The shared areas read a replica
// where it may lag (Read) and the primary where the newsroom must see
// what it saved (Fresh); their writes no page shows are not announced
// (QuietTx).
func (db *DB) bind() {
	adapt := func(run func(context.Context, func(pgx.Tx) error) error) func(context.Context, func(sqlstore.Querier) error) error {
		return func(ctx context.Context, fn func(sqlstore.Querier) error) error {
			return run(ctx, func(tx pgx.Tx) error { return fn(sqlstore.Pgx(tx)) })
		}
	}
	db.stores = stores{
		contentStore{db}, deskStore{db}, storyStore{db}, readershipStore{db}, searchStore{db},
		sitemapStore{db}, tagStore{db}, translationStore{db}, transferStore{db},
		sqlstore.New(&sqlstore.DB{Dialect: dialect,
			Read:    func(ctx context.Context) sqlstore.Querier { return sqlstore.Pgx(db.reader(ctx)) },
			Fresh:   func(context.Context) sqlstore.Querier { return sqlstore.Pgx(db.primary) },
			Tx:      adapt(db.inTx),
			QuietTx: adapt(db.inQuietTx),
		}),
	}
}
