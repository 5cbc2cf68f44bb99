package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"dateline"
	"dateline/internal/sqlutil"
)

// adStore is dateline.Ads.
type adStore struct{ *DB }

var _ dateline.Ads = (*DB)(nil)

// AdSettings returns the switch and every filled slot with its photo. It
// reads the primary: it is read on each change, and the newsroom shows
// what was just saved.
func (db adStore) AdSettings(ctx context.Context) (_ *dateline.AdSettings, err error) {
	defer wrap(&err, "ad settings")
	st := &dateline.AdSettings{Ads: []dateline.Ad{}}
	if err := db.primary.QueryRow(ctx, `SELECT COALESCE(bool_or(off), false) FROM ad_settings`).Scan(&st.Off); err != nil {
		return nil, err
	}
	rows, err := db.primary.Query(ctx, `SELECT `+sqlutil.AdColumns+`
		FROM ads a LEFT JOIN photos p ON p.id = a.photo_id ORDER BY a.slot`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if st.Ads, err = sqlutil.Collect(rows, st.Ads, sqlutil.ScanAd); err != nil {
		return nil, err
	}
	return st, nil
}

// SaveAd fills the ad's slot. Returns EINVALID and ENOTFOUND.
func (db adStore) SaveAd(ctx context.Context, a *dateline.Ad, site string, now time.Time) (err error) {
	defer wrap(&err, "save ad")
	if err := a.Validate(site); err != nil {
		return err
	}
	a.UpdatedAt = now.UTC().Truncate(time.Second)
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if a.Kind == dateline.AdImage {
			p, err := sqlutil.ScanPhoto(tx.QueryRow(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE p.id = $1`, a.PhotoID))
			if errors.Is(err, pgx.ErrNoRows) {
				return dateline.Errorf(dateline.ENOTFOUND, "There is no photo %d in the media library.", a.PhotoID)
			} else if err != nil {
				return err
			}
			a.Photo = &p
		}
		_, err := tx.Exec(ctx, `INSERT INTO ads (slot, kind, photo_id, link, alt, frame_url, width, height, active_from, active_until, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (slot) DO UPDATE SET kind = excluded.kind, photo_id = excluded.photo_id, link = excluded.link, alt = excluded.alt,
			frame_url = excluded.frame_url, width = excluded.width, height = excluded.height, active_from = excluded.active_from,
			active_until = excluded.active_until, updated_at = excluded.updated_at`,
			a.Slot, a.Kind, sqlutil.NullID(a.PhotoID), a.Link, a.Alt, a.FrameURL, a.Width, a.Height, ts(a.From), ts(a.Until), a.UpdatedAt)
		return err
	})
}

// ClearAd empties a slot. Returns EINVALID for an unknown slot.
func (db adStore) ClearAd(ctx context.Context, slot string) (err error) {
	defer wrap(&err, "clear ad")
	if !dateline.ValidAdSlot(slot) {
		return dateline.NoSlot(slot)
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM ads WHERE slot = $1`, slot)
		return err
	})
}

// SetAdsOff turns every ad off or back on.
func (db adStore) SetAdsOff(ctx context.Context, off bool, now time.Time) (err error) {
	defer wrap(&err, "set ads off")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO ad_settings (id, off, updated_at) VALUES (1, $1, $2)
			ON CONFLICT (id) DO UPDATE SET off = excluded.off, updated_at = excluded.updated_at`, off, now.UTC().Truncate(time.Second))
		return err
	})
}
