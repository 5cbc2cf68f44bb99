package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// mediaStore is galleries and infographics.
type mediaStore struct{ db *DB }

// sectionID is the id of the section with the slug, or NULL (nil) for no
// slug. Returns EUNPROCESSABLE for an unknown section.
func sectionID(ctx context.Context, tx Querier, slug string) (any, error) {
	if slug == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM sections WHERE slug = ?`, slug).Scan(&id)
	if noRows(err) {
		return nil, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", slug)
	}
	return id, err
}

// collection names the tables of galleries or infographics: the table,
// its text column, and the table of its photos in order with the column
// naming the collection; the collection for people ("A gallery"); and its
// kind in the event log (dateline.KindGallery).
type collection struct{ table, text, photos, column, noun, kind string }

var (
	galleryTables     = collection{"galleries", "lead", "gallery_photos", "gallery_id", "A gallery", dateline.KindGallery}
	infographicTables = collection{"infographics", "text", "infographic_images", "infographic_id", "An infographic", dateline.KindInfographic}
)

// collectionEvent is the event kind of a collection's save from status
// old ("" when new) to now: published when it becomes published, updated
// when it stays so, withdrawn when it leaves it; "" for none (a draft or a
// withdrawn one saved, which clients never saw).
func collectionEvent(old, now dateline.Status) string {
	switch {
	case now == dateline.StatusPublished && old == dateline.StatusPublished:
		return dateline.EventUpdated
	case now == dateline.StatusPublished:
		return dateline.EventPublished
	case old == dateline.StatusPublished:
		return dateline.EventWithdrawn
	}
	return ""
}

// logCollection writes the event of a collection's save, if any, with
// its section and the section's edition. It must be the transaction's
// last statement (EventLock holds the log until the commit).
func (s mediaStore) logCollection(ctx context.Context, tx Querier, c collection, id int64, sid any, section, title string, old, now dateline.Status, at time.Time) error {
	kind := collectionEvent(old, now)
	if kind == "" {
		return nil
	}
	if s.db.EventLock != "" {
		if _, err := tx.Exec(ctx, s.db.EventLock); err != nil {
			return err
		}
	}
	_, err := tx.Exec(ctx, `INSERT INTO events (at, kind, article_id, section, headline, lang, urgency, breaking, topics, collection)
		VALUES (?, ?, ?, ?, ?, COALESCE((SELECT lang FROM sections WHERE id = ?), ''), 0, false, '', ?)`,
		s.db.Time(at), kind, id, section, title, sid, c.kind)
	return err
}

// saveCollection creates or updates a gallery or an infographic by URI,
// with its photos in order, and sets its id, its status and, when zero,
// its publication time. Returns EINVALID without a URI or title or for an
// unknown status.
func (s mediaStore) saveCollection(ctx context.Context, c collection, id *int64, published *time.Time, status *dateline.Status,
	uri, section, title, text string, photos []dateline.Photo, now time.Time) (err error) {
	if uri == "" || title == "" {
		return dateline.Errorf(dateline.EINVALID, "%s needs a URI and a title.", c.noun)
	}
	if *status, err = dateline.CollectionStatus(*status); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		sid, err := sectionID(ctx, tx, section)
		if err != nil {
			return err
		}
		if published.IsZero() {
			*published = now.UTC()
		}
		var old string
		err = tx.QueryRow(ctx, `SELECT status FROM `+c.table+` WHERE uri = ?`, uri).Scan(&old)
		if err != nil && !noRows(err) {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO `+c.table+` (uri, section_id, title, `+c.text+`, published_at, status) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (uri) DO UPDATE SET section_id = excluded.section_id, title = excluded.title, `+c.text+` = excluded.`+c.text+`,
				published_at = excluded.published_at, status = excluded.status RETURNING id`,
			uri, sid, title, text, s.db.Time(*published), string(*status)).Scan(id)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM `+c.photos+` WHERE `+c.column+` = ?`, *id); err != nil {
			return err
		}
		args := make([][]any, len(photos))
		for i := range photos {
			if err := s.db.SavePhoto(ctx, tx, &photos[i], now); err != nil {
				return err
			}
			args[i] = []any{*id, i, photos[i].ID}
		}
		if err := tx.ExecEach(ctx, `INSERT INTO `+c.photos+` (`+c.column+`, position, photo_id) VALUES (?, ?, ?)`, args); err != nil {
			return err
		}
		return s.logCollection(ctx, tx, c, *id, sid, section, title, dateline.Status(old), *status, now)
	})
}

// photos reads the photos of the collection with the id, in order; nil
// when it has none.
func photos(ctx context.Context, q Querier, c collection, id int64) ([]dateline.Photo, error) {
	rows, err := q.Query(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM `+c.photos+` x JOIN photos p ON p.id = x.photo_id
		WHERE x.`+c.column+` = ? ORDER BY x.position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, nil, sqlutil.ScanPhotoRow)
}

// SaveGallery creates or updates a gallery by URI, with its photos in order.
func (s mediaStore) SaveGallery(ctx context.Context, g *dateline.Gallery, now time.Time) (err error) {
	defer s.db.wrap(&err, "save gallery")
	return s.saveCollection(ctx, galleryTables, &g.ID, &g.PublishedAt, &g.Status, g.URI, g.Section, g.Title, g.Lead, g.Photos, now)
}

// Gallery returns the gallery with its photos. Returns ENOTFOUND if none.
func (s mediaStore) Gallery(ctx context.Context, id int64) (_ *dateline.Gallery, err error) {
	defer s.db.wrap(&err, "gallery")
	q := s.db.Read(ctx)
	var g dateline.Gallery
	var status string
	var published sqlutil.Time
	err = q.QueryRow(ctx, `SELECT g.id, g.uri, COALESCE(s.slug, ''), g.title, g.lead, g.published_at, g.status
		FROM galleries g LEFT JOIN sections s ON s.id = g.section_id WHERE g.id = ?`, id).
		Scan(&g.ID, &g.URI, &g.Section, &g.Title, &g.Lead, &published, &status)
	if err != nil {
		return nil, notFound(err, "No gallery %d.", id)
	}
	g.Status, g.PublishedAt = dateline.Status(status), published.T
	if g.Photos, err = photos(ctx, q, galleryTables, id); err != nil {
		return nil, err
	}
	g.PhotoCount = len(g.Photos)
	if len(g.Photos) > 0 {
		g.Cover = &g.Photos[0]
	}
	return &g, nil
}

// Galleries lists the newest published galleries, each with its cover
// photo and count.
func (s mediaStore) Galleries(ctx context.Context, limit int) (_ []dateline.Gallery, err error) {
	defer s.db.wrap(&err, "galleries")
	return s.galleries(ctx, `g.status = 'published'`, limit)
}

// AllGalleries lists the newest galleries of every status.
func (s mediaStore) AllGalleries(ctx context.Context, limit int) (_ []dateline.Gallery, err error) {
	defer s.db.wrap(&err, "all galleries")
	return s.galleries(ctx, `true`, limit)
}

func (s mediaStore) galleries(ctx context.Context, where string, limit int) ([]dateline.Gallery, error) {
	return collect(ctx, s.db.Read(ctx), func(r sqlutil.Scanner) (dateline.Gallery, error) {
		var g dateline.Gallery
		var status string
		var published sqlutil.Time
		p, err := sqlutil.ScanPhoto(r, &g.ID, &g.URI, &g.Section, &g.Title, &g.Lead, &published, &status, &g.PhotoCount)
		g.Status, g.PublishedAt, g.Cover = dateline.Status(status), published.T, &p
		return g, err
	}, `SELECT `+sqlutil.PhotoColumns+`, g.id, g.uri, COALESCE(s.slug, ''), g.title, g.lead, g.published_at, g.status,
			(SELECT COUNT(*) FROM gallery_photos c WHERE c.gallery_id = g.id)
		FROM galleries g LEFT JOIN sections s ON s.id = g.section_id
		JOIN gallery_photos x ON x.gallery_id = g.id AND x.position = (SELECT MIN(position) FROM gallery_photos WHERE gallery_id = g.id)
		JOIN photos p ON p.id = x.photo_id
		WHERE `+where+`
		ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
}

// SaveInfographic creates or updates an infographic by URI.
func (s mediaStore) SaveInfographic(ctx context.Context, g *dateline.Infographic, now time.Time) (err error) {
	defer s.db.wrap(&err, "save infographic")
	return s.saveCollection(ctx, infographicTables, &g.ID, &g.PublishedAt, &g.Status, g.URI, g.Section, g.Title, g.Text, g.Images, now)
}

// Infographic returns the infographic with its images. Returns ENOTFOUND if none.
func (s mediaStore) Infographic(ctx context.Context, id int64) (_ *dateline.Infographic, err error) {
	defer s.db.wrap(&err, "infographic")
	gs, err := s.infographics(ctx, `WHERE g.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No infographic %d.", id)
	}
	return &gs[0], nil
}

// Infographics lists the newest published infographics with their
// images.
func (s mediaStore) Infographics(ctx context.Context, limit int) (_ []dateline.Infographic, err error) {
	defer s.db.wrap(&err, "infographics")
	return s.infographics(ctx, `WHERE g.status = 'published' ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
}

// AllInfographics lists the newest infographics of every status.
func (s mediaStore) AllInfographics(ctx context.Context, limit int) (_ []dateline.Infographic, err error) {
	defer s.db.wrap(&err, "all infographics")
	return s.infographics(ctx, `ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
}

func (s mediaStore) infographics(ctx context.Context, tail string, arg any) ([]dateline.Infographic, error) {
	q := s.db.Read(ctx)
	gs, err := collect(ctx, q, func(r sqlutil.Scanner) (dateline.Infographic, error) {
		var g dateline.Infographic
		var status string
		var published sqlutil.Time
		err := r.Scan(&g.ID, &g.URI, &g.Section, &g.Title, &g.Text, &published, &status)
		g.PublishedAt, g.Status = published.T, dateline.Status(status)
		return g, err
	}, `SELECT g.id, g.uri, COALESCE(s.slug, ''), g.title, g.text, g.published_at, g.status
		FROM infographics g LEFT JOIN sections s ON s.id = g.section_id `+tail, arg)
	if err != nil {
		return nil, err
	}
	for i := range gs {
		if gs[i].Images, err = photos(ctx, q, infographicTables, gs[i].ID); err != nil {
			return nil, err
		}
	}
	return gs, nil
}
