package postgres

// The store is split by area, one type per dateline.Store interface, each
// with the methods of its file. Every sub-store reaches the database (and
// the other areas) through *DB; DB embeds them all, so *DB satisfies
// dateline.Store.
type (
	contentStore     struct{ *DB } // articles.go, write.go: the content methods of dateline.Store
	deskStore        struct{ *DB } // desk.go: newsroom edits, revisions, autosaves, the photo library
	peopleStore      struct{ *DB } // people.go: accounts, sessions, tokens, the audit log
	storyStore       struct{ *DB } // stories.go: running stories and the top stories
	mediaStore       struct{ *DB } // media.go: galleries and infographics
	readershipStore  struct{ *DB } // readership.go: dateline.Readership
	searchStore      struct{ *DB } // search.go: the search index
	sitemapStore     struct{ *DB } // sitemap.go: dateline.Sitemaps
	tagStore         struct{ *DB } // tagging.go: dateline.Tagging
	translationStore struct{ *DB } // editions.go: dateline.Translations
	adStore          struct{ *DB } // ads.go: dateline.Ads
	partnerStore     struct{ *DB } // partners.go: dateline.Partners
	rateStore        struct{ *DB } // rates.go: dateline.Rates
	transferStore    struct{ *DB } // transfer.go: dateline.Transfer
)

// stores holds the sub-stores DB embeds.
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
