package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// adStore is dateline.Ads.
type adStore struct{ db *DB }

// AdSettings returns the switch and every filled slot with its photo. It
// reads what was just saved: it is read on each change, and the newsroom
// shows it.
func (s adStore) AdSettings(ctx context.Context) (_ *dateline.AdSettings, err error) {
	defer s.db.wrap(&err, "ad settings")
	q := s.db.Fresh(ctx)
	st := &dateline.AdSettings{}
	if err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM ad_settings WHERE off)`).Scan(&st.Off); err != nil {
		return nil, err
	}
	st.Ads, err = collect(ctx, q, sqlutil.ScanAd, `SELECT `+sqlutil.AdColumns+` FROM ads a LEFT JOIN photos p ON p.id = a.photo_id ORDER BY a.slot`)
	if err != nil {
		return nil, err
	}
	return st, nil
}

// SaveAd fills the ad's slot. Returns EINVALID and ENOTFOUND.
func (s adStore) SaveAd(ctx context.Context, a *dateline.Ad, site string, now time.Time) (err error) {
	defer s.db.wrap(&err, "save ad")
	if err := a.Validate(site); err != nil {
		return err
	}
	a.UpdatedAt = sqlutil.TruncSecond(now)
	return s.db.Tx(ctx, func(tx Querier) error {
		if a.Kind == dateline.AdImage {
			p, err := sqlutil.ScanPhoto(tx.QueryRow(ctx, `SELECT `+sqlutil.PhotoColumns+` FROM photos p WHERE p.id = ?`, a.PhotoID))
			if err != nil {
				return notFound(err, "There is no photo %d in the media library.", a.PhotoID)
			}
			a.Photo = &p
		}
		_, err := tx.Exec(ctx, `INSERT INTO ads (slot, kind, photo_id, link, alt, frame_url, width, height, active_from, active_until, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (slot) DO UPDATE SET kind = excluded.kind, photo_id = excluded.photo_id, link = excluded.link, alt = excluded.alt,
			frame_url = excluded.frame_url, width = excluded.width, height = excluded.height, active_from = excluded.active_from,
			active_until = excluded.active_until, updated_at = excluded.updated_at`,
			a.Slot, a.Kind, sqlutil.NullID(a.PhotoID), a.Link, a.Alt, a.FrameURL, a.Width, a.Height,
			s.db.Time(a.From), s.db.Time(a.Until), s.db.Time(a.UpdatedAt))
		return err
	})
}

// ClearAd empties a slot. Returns EINVALID for an unknown slot.
func (s adStore) ClearAd(ctx context.Context, slot string) (err error) {
	defer s.db.wrap(&err, "clear ad")
	if !dateline.ValidAdSlot(slot) {
		return dateline.NoSlot(slot)
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM ads WHERE slot = ?`, slot)
		return err
	})
}

// SetAdsOff turns every ad off or back on.
func (s adStore) SetAdsOff(ctx context.Context, off bool, now time.Time) (err error) {
	defer s.db.wrap(&err, "set ads off")
	return s.db.Tx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO ad_settings (id, off, updated_at) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET off = excluded.off, updated_at = excluded.updated_at`, off, s.db.Time(now))
		return err
	})
}
