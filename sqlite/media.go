package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// mediaStore is galleries and infographics.
type mediaStore struct{ *DB }

func (db mediaStore) photos(ctx context.Context, query string, id int64) ([]dateline.Photo, error) {
	rows, err := db.read.QueryContext(ctx, query, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, nil, sqlutil.ScanPhotoRow)
}

func sectionID(ctx context.Context, tx *sql.Tx, slug string) (any, error) {
	if slug == "" {
		return nil, nil
	}
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM sections WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNPROCESSABLE, "No section %q.", slug)
	}
	return id, err
}

// SaveGallery creates or updates a gallery by URI, with its photos in order.
func (db mediaStore) SaveGallery(ctx context.Context, g *dateline.Gallery, now time.Time) (err error) {
	defer wrap(&err, "save gallery")
	if g.URI == "" || g.Title == "" {
		return dateline.Errorf(dateline.EINVALID, "A gallery needs a URI and a title.")
	}
	if g.Status, err = dateline.CollectionStatus(g.Status); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		sid, err := sectionID(ctx, tx, g.Section)
		if err != nil {
			return err
		}
		if g.PublishedAt.IsZero() {
			g.PublishedAt = now.UTC()
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO galleries (uri, section_id, title, lead, published_at, status) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (uri) DO UPDATE SET section_id = excluded.section_id, title = excluded.title, lead = excluded.lead,
				published_at = excluded.published_at, status = excluded.status RETURNING id`,
			g.URI, sid, g.Title, g.Lead, g.PublishedAt.Unix(), string(g.Status)).Scan(&g.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM gallery_photos WHERE gallery_id = ?`, g.ID); err != nil {
			return err
		}
		for i := range g.Photos {
			if err := savePhoto(ctx, tx, &g.Photos[i], now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO gallery_photos (gallery_id, position, photo_id) VALUES (?, ?, ?)`, g.ID, i, g.Photos[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Gallery returns the gallery with its photos. Returns ENOTFOUND if none.
func (db mediaStore) Gallery(ctx context.Context, id int64) (_ *dateline.Gallery, err error) {
	defer wrap(&err, "gallery")
	var g dateline.Gallery
	var section sql.NullString
	var published int64
	var status string
	err = db.read.QueryRowContext(ctx, `SELECT g.id, g.uri, s.slug, g.title, g.lead, g.published_at, g.status
		FROM galleries g LEFT JOIN sections s ON s.id = g.section_id WHERE g.id = ?`, id).
		Scan(&g.ID, &g.URI, &section, &g.Title, &g.Lead, &published, &status)
	g.Status = dateline.Status(status)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No gallery %d.", id)
	} else if err != nil {
		return nil, err
	}
	g.Section, g.PublishedAt = section.String, time.Unix(published, 0).UTC()
	g.Photos, err = db.photos(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM gallery_photos x JOIN photos p ON p.id = x.photo_id
		WHERE x.gallery_id = ? ORDER BY x.position`, id)
	if err != nil {
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
func (db mediaStore) Galleries(ctx context.Context, limit int) (_ []dateline.Gallery, err error) {
	defer wrap(&err, "galleries")
	return db.galleries(ctx, `g.status = 'published'`, limit)
}

// AllGalleries lists the newest galleries of every status.
func (db mediaStore) AllGalleries(ctx context.Context, limit int) (_ []dateline.Gallery, err error) {
	defer wrap(&err, "all galleries")
	return db.galleries(ctx, `true`, limit)
}

func (db mediaStore) galleries(ctx context.Context, where string, limit int) ([]dateline.Gallery, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+sqlutil.PhotoColumns+`, g.id, g.uri, COALESCE(s.slug, ''), g.title, g.lead, g.published_at, g.status,
			(SELECT COUNT(*) FROM gallery_photos c WHERE c.gallery_id = g.id)
		FROM galleries g LEFT JOIN sections s ON s.id = g.section_id
		JOIN gallery_photos x ON x.gallery_id = g.id AND x.position = (SELECT MIN(position) FROM gallery_photos WHERE gallery_id = g.id)
		JOIN photos p ON p.id = x.photo_id
		WHERE `+where+`
		ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	gs := []dateline.Gallery{}
	for rows.Next() {
		var g dateline.Gallery
		var published int64
		var status string
		p, err := sqlutil.ScanPhoto(rows, &g.ID, &g.URI, &g.Section, &g.Title, &g.Lead, &published, &status, &g.PhotoCount)
		g.Status = dateline.Status(status)
		if err != nil {
			return nil, err
		}
		g.PublishedAt = time.Unix(published, 0).UTC()
		g.Cover = &p
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

// SaveInfographic creates or updates an infographic by URI.
func (db mediaStore) SaveInfographic(ctx context.Context, g *dateline.Infographic, now time.Time) (err error) {
	defer wrap(&err, "save infographic")
	if g.URI == "" || g.Title == "" {
		return dateline.Errorf(dateline.EINVALID, "An infographic needs a URI and a title.")
	}
	if g.Status, err = dateline.CollectionStatus(g.Status); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx *sql.Tx) error {
		sid, err := sectionID(ctx, tx, g.Section)
		if err != nil {
			return err
		}
		if g.PublishedAt.IsZero() {
			g.PublishedAt = now.UTC()
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO infographics (uri, section_id, title, text, published_at, status) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (uri) DO UPDATE SET section_id = excluded.section_id, title = excluded.title, text = excluded.text,
				published_at = excluded.published_at, status = excluded.status RETURNING id`,
			g.URI, sid, g.Title, g.Text, g.PublishedAt.Unix(), string(g.Status)).Scan(&g.ID)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM infographic_images WHERE infographic_id = ?`, g.ID); err != nil {
			return err
		}
		for i := range g.Images {
			if err := savePhoto(ctx, tx, &g.Images[i], now); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO infographic_images (infographic_id, position, photo_id) VALUES (?, ?, ?)`, g.ID, i, g.Images[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Infographic returns the infographic with its images. Returns ENOTFOUND if none.
func (db mediaStore) Infographic(ctx context.Context, id int64) (_ *dateline.Infographic, err error) {
	defer wrap(&err, "infographic")
	gs, err := db.infographics(ctx, `WHERE g.id = ?`, id)
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
func (db mediaStore) Infographics(ctx context.Context, limit int) (_ []dateline.Infographic, err error) {
	defer wrap(&err, "infographics")
	return db.infographics(ctx, `WHERE g.status = 'published' ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
}

// AllInfographics lists the newest infographics of every status.
func (db mediaStore) AllInfographics(ctx context.Context, limit int) (_ []dateline.Infographic, err error) {
	defer wrap(&err, "all infographics")
	return db.infographics(ctx, `ORDER BY g.published_at DESC, g.id DESC LIMIT ?`, sqlutil.CapLimit(limit))
}

func (db mediaStore) infographics(ctx context.Context, tail string, arg any) ([]dateline.Infographic, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT g.id, g.uri, COALESCE(s.slug, ''), g.title, g.text, g.published_at, g.status
		FROM infographics g LEFT JOIN sections s ON s.id = g.section_id `+tail, arg)
	if err != nil {
		return nil, err
	}
	gs := []dateline.Infographic{}
	for rows.Next() {
		var g dateline.Infographic
		var published int64
		var status string
		if err := rows.Scan(&g.ID, &g.URI, &g.Section, &g.Title, &g.Text, &published, &status); err != nil {
			rows.Close()
			return nil, err
		}
		g.PublishedAt, g.Status = time.Unix(published, 0).UTC(), dateline.Status(status)
		gs = append(gs, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range gs {
		gs[i].Images, err = db.photos(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM infographic_images x JOIN photos p ON p.id = x.photo_id
			WHERE x.infographic_id = ? ORDER BY x.position`, gs[i].ID)
		if err != nil {
			return nil, err
		}
	}
	return gs, nil
}
