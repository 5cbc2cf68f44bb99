package sqlstore

import (
	"context"
	"slices"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// sourceStore is the storage of push sources and of Superdesk's chains and
// uploads (dateline.Sources). Its writes are QuietTx: no page shows them
// (the articles they lead to are written by UpsertArticles).
type sourceStore struct{ db *DB }

const sourceColumns = `id, name, kind, secret, created_at, disabled`

func scanSource(r sqlutil.Scanner) (dateline.Source, error) {
	var s dateline.Source
	var created int64
	err := r.Scan(&s.ID, &s.Name, &s.Kind, &s.Secret, &created, &s.Disabled)
	s.CreatedAt = fromMs(&created)
	return s, err
}

// CreateSource stores a source. Returns EINVALID, or ECONFLICT when the
// name is taken.
func (s sourceStore) CreateSource(ctx context.Context, src *dateline.Source, now time.Time) (err error) {
	defer s.db.wrap(&err, "create source")
	if err := dateline.ValidateSource(src); err != nil {
		return err
	}
	src.CreatedAt = now.Truncate(time.Millisecond).UTC()
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		return tx.QueryRow(ctx, `INSERT INTO sources (name, kind, secret, created_at, disabled) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			src.Name, src.Kind, src.Secret, ms(src.CreatedAt), src.Disabled).Scan(&src.ID)
	})
	if s.db.IsUnique(err) {
		return dateline.Errorf(dateline.ECONFLICT, "There is a source named %q already.", src.Name)
	}
	return err
}

// Sources lists every source by name.
func (s sourceStore) Sources(ctx context.Context) (_ []dateline.Source, err error) {
	defer s.db.wrap(&err, "sources")
	return collect(ctx, s.db.Fresh(ctx), scanSource, `SELECT `+sourceColumns+` FROM sources ORDER BY name`)
}

// DeleteSource removes a source. Returns ENOTFOUND.
func (s sourceStore) DeleteSource(ctx context.Context, name string) (err error) {
	defer s.db.wrap(&err, "delete source")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM sources WHERE name = ?`, name)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No source named %q.", name)
		}
		return err
	})
}

// SetSourceDisabled turns a source off or on. Returns ENOTFOUND.
func (s sourceStore) SetSourceDisabled(ctx context.Context, name string, disabled bool) (err error) {
	defer s.db.wrap(&err, "disable source")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE sources SET disabled = ? WHERE name = ?`, disabled, name)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No source named %q.", name)
		}
		return err
	})
}

// LinkSuperdesk records guid and evolvedfrom as guids of one chain and
// returns what is known of guid.
func (s sourceStore) LinkSuperdesk(ctx context.Context, guid, evolvedfrom, uri string, now time.Time) (l dateline.SuperdeskLink, err error) {
	defer s.db.wrap(&err, "link superdesk")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		l = dateline.SuperdeskLink{}
		chain := func(g string) (string, string, error) {
			var u, v string
			err := tx.QueryRow(ctx, `SELECT uri, version FROM superdesk_guids WHERE guid = ?`, g).Scan(&u, &v)
			if noRows(err) {
				return "", "", nil
			}
			return u, v, err
		}
		own, version, err := chain(guid)
		if err != nil {
			return err
		}
		var older string
		if evolvedfrom != "" {
			if older, _, err = chain(evolvedfrom); err != nil {
				return err
			}
		}
		target := own
		switch {
		case older != "" && own != "" && older != own:
			// Two parts of one chain, each with its article: the older
			// part's address stays, the newer part's guids join it.
			if _, err := tx.Exec(ctx, `UPDATE superdesk_guids SET uri = ? WHERE uri = ?`, older, own); err != nil {
				return err
			}
			target, l.Merged = older, own
		case older != "":
			target = older
		case target == "":
			target = uri
		}
		ins := `INSERT INTO superdesk_guids (guid, uri, evolved_from, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (guid) DO NOTHING`
		if own == "" {
			if _, err := tx.Exec(ctx, ins, guid, target, evolvedfrom, ms(now)); err != nil {
				return err
			}
		} else if evolvedfrom != "" {
			// Known before as the original of a rewrite that came first;
			// now its own link is known too.
			if _, err := tx.Exec(ctx, `UPDATE superdesk_guids SET evolved_from = ? WHERE guid = ? AND evolved_from = ''`, evolvedfrom, guid); err != nil {
				return err
			}
		}
		if evolvedfrom != "" {
			if _, err := tx.Exec(ctx, ins, evolvedfrom, target, "", ms(now)); err != nil {
				return err
			}
		}
		l.URI, l.Version = target, version
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM superdesk_guids WHERE evolved_from = ?)`, guid).Scan(&l.Rewritten); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM superdesk_guids WHERE uri = ? AND killed)`, target).Scan(&l.Killed)
	})
	return l, err
}

// SetSuperdeskVersion records the newest version of guid applied.
func (s sourceStore) SetSuperdeskVersion(ctx context.Context, guid, version string, killed bool) (err error) {
	defer s.db.wrap(&err, "set superdesk version")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `UPDATE superdesk_guids SET version = ?, killed = (killed OR ?) WHERE guid = ?`, version, killed, guid)
		return err
	})
}

// SuperdeskGUIDs lists the guids of the chain published as uri.
func (s sourceStore) SuperdeskGUIDs(ctx context.Context, uri string) (_ []string, err error) {
	defer s.db.wrap(&err, "superdesk guids")
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (string, error) {
		var g string
		return g, r.Scan(&g)
	}, `SELECT guid FROM superdesk_guids WHERE uri = ? ORDER BY id`, uri)
}

const assetColumns = `media_id, path, size, mime_type, photo_path, width, height, widths, created_at`

// PutSuperdeskAsset records an uploaded binary.
func (s sourceStore) PutSuperdeskAsset(ctx context.Context, a *dateline.SuperdeskAsset) (err error) {
	defer s.db.wrap(&err, "put superdesk asset")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO superdesk_assets (media_id, path, size, mime_type, created_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (media_id) DO UPDATE SET path = excluded.path, size = excluded.size, mime_type = excluded.mime_type,
				photo_path = '', width = 0, height = 0, widths = '', created_at = excluded.created_at`,
			a.MediaID, a.Path, a.Size, a.MimeType, ms(a.CreatedAt))
		return err
	})
}

// SuperdeskAsset returns ENOTFOUND when the media id is unknown.
func (s sourceStore) SuperdeskAsset(ctx context.Context, mediaID string) (_ *dateline.SuperdeskAsset, err error) {
	defer s.db.wrap(&err, "superdesk asset")
	var a dateline.SuperdeskAsset
	var p dateline.Photo
	var widths string
	var created int64
	err = s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+assetColumns+` FROM superdesk_assets WHERE media_id = ?`, mediaID).
		Scan(&a.MediaID, &a.Path, &a.Size, &a.MimeType, &p.Path, &p.Width, &p.Height, &widths, &created)
	if err != nil {
		return nil, notFound(err, "No binary was uploaded with the media id %q.", mediaID)
	}
	a.CreatedAt = fromMs(&created)
	if p.Path != "" {
		p.Widths = sqlutil.SplitInts(widths)
		a.Photo = &p
	}
	return &a, nil
}

// SetSuperdeskAssetPhoto keeps the photo prepared from the asset.
func (s sourceStore) SetSuperdeskAssetPhoto(ctx context.Context, mediaID string, p *dateline.Photo) (err error) {
	defer s.db.wrap(&err, "set superdesk asset photo")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `UPDATE superdesk_assets SET photo_path = ?, width = ?, height = ?, widths = ? WHERE media_id = ?`,
			p.Path, p.Width, p.Height, sqlutil.JoinInts(p.Widths), mediaID)
		return err
	})
}

// PruneSuperdeskAssets deletes the unused uploads older than before.
func (s sourceStore) PruneSuperdeskAssets(ctx context.Context, before time.Time, limit int) (n int, files []string, err error) {
	defer s.db.wrap(&err, "prune superdesk assets")
	limit = sqlutil.LimitOr(limit, 500, 5000)
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		n, files = 0, nil
		type row struct {
			id   int64
			path string
		}
		rows, err := collect(ctx, tx, func(r sqlutil.Scanner) (row, error) {
			var x row
			return x, r.Scan(&x.id, &x.path)
		}, `SELECT id, path FROM superdesk_assets WHERE photo_path = '' AND created_at < ? ORDER BY id LIMIT ?`+s.db.SkipLocked,
			ms(before), limit)
		if err != nil {
			return err
		}
		seen := map[string]bool{}
		for _, x := range rows {
			if _, err := tx.Exec(ctx, `DELETE FROM superdesk_assets WHERE id = ?`, x.id); err != nil {
				return err
			}
			n++
			seen[x.path] = true
		}
		for p := range seen {
			var left int
			if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM superdesk_assets WHERE path = ?`, p).Scan(&left); err != nil {
				return err
			}
			if left == 0 {
				files = append(files, p)
			}
		}
		slices.Sort(files)
		return nil
	})
	return n, files, err
}
