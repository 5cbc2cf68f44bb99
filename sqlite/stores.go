package sqlite

import (
	"context"
	"database/sql"

	"dateline"
	"dateline/internal/sqlstore"
	"dateline/liveblog"
)

var _ liveblog.Store = (*DB)(nil)

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

// dialect is how SQLite differs for the SQL of sqlstore: times in Unix
// seconds, its constraint codes, no row locks (one writer), LIKE ignoring
// the case of ASCII.
var dialect = &sqlstore.Dialect{Name: "sqlite", Time: unix, IsUnique: isUnique, IsForeignKey: isForeignKey, ILike: "LIKE"}

// bind points every sub-store at db.
func (db *DB) bind() {
	read := func(context.Context) sqlstore.Querier { return sqlstore.SQL(db.read) }
	tx := func(ctx context.Context, fn func(sqlstore.Querier) error) error {
		return db.inTx(ctx, func(tx *sql.Tx) error { return fn(sqlstore.SQL(tx)) })
	}
	db.stores = stores{
		contentStore{db}, deskStore{db}, storyStore{db}, readershipStore{db}, searchStore{db},
		sitemapStore{db}, tagStore{db}, translationStore{db}, transferStore{db},
		sqlstore.New(&sqlstore.DB{Dialect: dialect, Read: read, Fresh: read, Tx: tx, QuietTx: tx, StoryTx: tx}),
	}
}
