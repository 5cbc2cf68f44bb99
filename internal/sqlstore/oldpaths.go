package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/redirect"
)

// oldPathStore keeps the addresses of an imported site (redirect.Store).
// Its writes are QuietTx: a redirect is answered where no page was cached.
type oldPathStore struct{ db *DB }

// SaveOldPaths records the paths, pointing known ones at their new place.
func (s oldPathStore) SaveOldPaths(ctx context.Context, ps []redirect.OldPath, now time.Time) (n int, err error) {
	defer s.db.wrap(&err, "save old paths")
	if len(ps) == 0 {
		return 0, nil
	}
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		n = 0
		for _, p := range ps {
			if p.Path == "" || len(p.Path) > 1000 {
				return dateline.Errorf(dateline.EINVALID, "An old path is 1 to 1000 characters.")
			}
			c, err := tx.Exec(ctx, `INSERT INTO old_paths (path, uri, target, source, created_at) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (path) DO UPDATE SET uri = excluded.uri, target = excluded.target, source = excluded.source
				WHERE old_paths.uri <> excluded.uri OR old_paths.target <> excluded.target`,
				p.Path, p.URI, p.Target, p.Source, ms(now))
			if err != nil {
				return err
			}
			n += int(c)
		}
		return nil
	})
	return n, err
}

// OldPath returns where an old path leads.
func (s oldPathStore) OldPath(ctx context.Context, path string) (f redirect.Found, err error) {
	defer s.db.wrap(&err, "old path")
	var id *int64
	var section, status *string
	err = s.db.Read(ctx).QueryRow(ctx, `SELECT o.target, a.id, sec.slug, a.status FROM old_paths o
		LEFT JOIN articles a ON o.uri <> '' AND a.uri = o.uri
		LEFT JOIN sections sec ON sec.id = a.section_id
		WHERE o.path = ?`, path).Scan(&f.Target, &id, &section, &status)
	if err != nil {
		return f, notFound(err, "No old address %q.", path)
	}
	if f.Target == "" && id == nil {
		return f, dateline.Errorf(dateline.ENOTFOUND, "The story of the old address %q is not stored.", path)
	}
	if id != nil {
		f.ArticleID, f.Section = *id, *section
		f.Public = *status == string(dateline.StatusPublished)
	}
	return f, nil
}
