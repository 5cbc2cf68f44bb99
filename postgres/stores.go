package postgres

// stores are the sub-stores DB embeds: the store is split by area, one
// type to a file (adStore in ads.go, ...) with that file's methods. Every
// sub-store reaches the database and the other areas through *DB, and DB
// embeds them all, so *DB satisfies dateline.Store.
type stores struct {
	contentStore
	deskStore
	peopleStore
	storyStore
	mediaStore
	readershipStore
	searchStore
	sitemapStore
	tagStore
	translationStore
	adStore
	partnerStore
	rateStore
	transferStore
}

// bind points every sub-store at db.
func (db *DB) bind() {
	db.stores = stores{
		contentStore{db}, deskStore{db}, peopleStore{db}, storyStore{db},
		mediaStore{db}, readershipStore{db}, searchStore{db}, sitemapStore{db},
		tagStore{db}, translationStore{db}, adStore{db}, partnerStore{db},
		rateStore{db}, transferStore{db},
	}
}
