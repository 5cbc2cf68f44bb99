package sqlstore

import (
	"context"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// portalStore is the client portal's storage (dateline.Portal): client
// sessions, invitations, bookmarks, follows and usage. Sign-in reads are
// Fresh; sessions and counts are quiet writes, which no page shows.
type portalStore struct{ db *DB }

// ClientUser returns ENOTFOUND when there is no client user with the id.
func (s portalStore) ClientUser(ctx context.Context, id int64) (_ *dateline.ClientUser, err error) {
	defer s.db.wrap(&err, "client user")
	u, err := scanClientUser(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+clientUserColumns+` FROM client_users WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No client user %d.", id)
	}
	return &u, nil
}

// ClientLoginFailed counts a failed sign-in of a client user.
func (s portalStore) ClientLoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (u *dateline.ClientUser, err error) {
	defer s.db.wrap(&err, "client login failed")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		cu, err := scanClientUser(s.db.countFailure(ctx, tx, "client_users", clientUserColumns, userID, now, limit, lock))
		u = &cu
		return notFound(err, "No client user %d.", userID)
	})
	return u, err
}

// ClientLoginSucceeded clears the failures and lock unless locked at now.
func (s portalStore) ClientLoginSucceeded(ctx context.Context, userID int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "client login succeeded")
	return s.db.clearFailures(ctx, "client_users", userID, now)
}

// SetClientPassword sets the hash, clears the lock and ends the user's
// sessions.
func (s portalStore) SetClientPassword(ctx context.Context, userID int64, hash string) (err error) {
	defer s.db.wrap(&err, "set client password")
	return s.db.QuietTx(ctx, func(tx Querier) error { return setClientPassword(ctx, tx, userID, hash) })
}

func setClientPassword(ctx context.Context, tx Querier, userID int64, hash string) error {
	n, err := tx.Exec(ctx, `UPDATE client_users SET password_hash = ?, failures = 0, locked_until = NULL WHERE id = ?`, hash, userID)
	if err != nil {
		return err
	}
	if n == 0 {
		return dateline.Errorf(dateline.ENOTFOUND, "No client user %d.", userID)
	}
	_, err = tx.Exec(ctx, `DELETE FROM client_sessions WHERE client_user_id = ?`, userID)
	return err
}

// CreateClientSession stores a session.
func (s portalStore) CreateClientSession(ctx context.Context, se *dateline.ClientSession, now time.Time) (err error) {
	defer s.db.wrap(&err, "create client session")
	if len(se.Hash) == 0 || se.UserID == 0 || se.ExpiresAt.IsZero() {
		return dateline.Errorf(dateline.EINVALID, "A session needs a hash, a user and an end.")
	}
	if se.CreatedAt.IsZero() {
		se.CreatedAt = now
	}
	se.CreatedAt, se.ExpiresAt = sqlutil.TruncSecond(se.CreatedAt), sqlutil.TruncSecond(se.ExpiresAt)
	return s.db.insertSecret(ctx, &se.ID, `INSERT INTO client_sessions (hash, client_user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		"No client user %d.", se.UserID, se.Hash, se.UserID, se.CSRF, s.db.Time(se.CreatedAt), s.db.Time(se.ExpiresAt))
}

// ClientSession returns the live session with the hash and its user.
func (s portalStore) ClientSession(ctx context.Context, hash []byte, now time.Time) (_ *dateline.ClientSession, err error) {
	defer s.db.wrap(&err, "client session")
	var se dateline.ClientSession
	var created, expires sqlutil.Time
	ended := dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	err = s.db.Fresh(ctx).QueryRow(ctx, `SELECT id, client_user_id, csrf, created_at, expires_at FROM client_sessions WHERE hash = ?`, hash).
		Scan(&se.ID, &se.UserID, &se.CSRF, &created, &expires)
	if noRows(err) {
		return nil, ended
	} else if err != nil {
		return nil, err
	}
	se.Hash, se.CreatedAt, se.ExpiresAt = hash, created.T, expires.T
	if !se.ExpiresAt.After(now) {
		return nil, ended
	}
	if se.User, err = s.ClientUser(ctx, se.UserID); err != nil {
		if dateline.ErrorCode(err) == dateline.ENOTFOUND {
			return nil, ended
		}
		return nil, err
	}
	if se.User.Disabled {
		return nil, ended
	}
	return &se, nil
}

// DeleteClientSession ends the session with the hash, if any.
func (s portalStore) DeleteClientSession(ctx context.Context, hash []byte) (err error) {
	defer s.db.wrap(&err, "delete client session")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM client_sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteExpiredClientSessions removes the sessions that ended by now.
func (s portalStore) DeleteExpiredClientSessions(ctx context.Context, now time.Time) (err error) {
	defer s.db.wrap(&err, "delete expired client sessions")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM client_sessions WHERE expires_at <= ?`, s.db.Time(now))
		return err
	})
}

// CreateInvitation stores an invitation; the user's earlier ones go.
func (s portalStore) CreateInvitation(ctx context.Context, inv *dateline.Invitation, now time.Time) (err error) {
	defer s.db.wrap(&err, "create invitation")
	if len(inv.Hash) == 0 || inv.UserID == 0 || inv.ExpiresAt.IsZero() {
		return dateline.Errorf(dateline.EINVALID, "An invitation needs a hash, a user and an end.")
	}
	if inv.CreatedAt.IsZero() {
		inv.CreatedAt = now
	}
	inv.CreatedAt, inv.ExpiresAt = sqlutil.TruncSecond(inv.CreatedAt), sqlutil.TruncSecond(inv.ExpiresAt)
	// One transaction replaces the user's earlier invitations, so two
	// made at once leave one.
	return s.db.QuietTx(ctx, func(tx Querier) error {
		if _, err := tx.Exec(ctx, `DELETE FROM client_invitations WHERE client_user_id = ?`, inv.UserID); err != nil {
			return err
		}
		err := tx.QueryRow(ctx, `INSERT INTO client_invitations (hash, client_user_id, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`,
			inv.Hash, inv.UserID, s.db.Time(inv.CreatedAt), s.db.Time(inv.ExpiresAt)).Scan(&inv.ID)
		if s.db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No client user %d.", inv.UserID)
		}
		return err
	})
}

// Invitation returns the live invitation with the hash.
func (s portalStore) Invitation(ctx context.Context, hash []byte, now time.Time) (_ *dateline.Invitation, err error) {
	defer s.db.wrap(&err, "invitation")
	return s.invitation(ctx, s.db.Fresh(ctx), hash, now)
}

func (s portalStore) invitation(ctx context.Context, q Querier, hash []byte, now time.Time) (*dateline.Invitation, error) {
	var inv dateline.Invitation
	var created, expires sqlutil.Time
	err := q.QueryRow(ctx, `SELECT id, client_user_id, created_at, expires_at FROM client_invitations WHERE hash = ?`, hash).
		Scan(&inv.ID, &inv.UserID, &created, &expires)
	if err != nil {
		return nil, notFound(err, "This invitation link is not known: it was used, replaced by a newer one, or mistyped. Ask for a new one.")
	}
	inv.Hash, inv.CreatedAt, inv.ExpiresAt = hash, created.T, expires.T
	if !inv.ExpiresAt.After(now) {
		return nil, dateline.Errorf(dateline.EGONE, "This invitation link expired on %s. Ask for a new one.", inv.ExpiresAt.Format("2 January 2006"))
	}
	return &inv, nil
}

// AcceptInvitation uses the invitation once and sets the password.
func (s portalStore) AcceptInvitation(ctx context.Context, hash []byte, passwordHash string, now time.Time) (u *dateline.ClientUser, err error) {
	defer s.db.wrap(&err, "accept invitation")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		inv, err := s.invitation(ctx, tx, hash, now)
		if err != nil {
			return err
		}
		// The DELETE is the once: two uses at the same time delete one row.
		n, err := tx.Exec(ctx, `DELETE FROM client_invitations WHERE id = ?`, inv.ID)
		if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.EGONE, "This invitation link was used already.")
		}
		if err := setClientPassword(ctx, tx, inv.UserID, passwordHash); err != nil {
			return err
		}
		cu, err := scanClientUser(tx.QueryRow(ctx, `SELECT `+clientUserColumns+` FROM client_users WHERE id = ?`, inv.UserID))
		u = &cu
		return err
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// AddBookmark keeps an article for the user.
func (s portalStore) AddBookmark(ctx context.Context, userID, articleID int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "add bookmark")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO client_bookmarks (client_user_id, article_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (client_user_id, article_id) DO NOTHING`, userID, articleID, s.db.Time(sqlutil.TruncSecond(now)))
		if s.db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "There is no item %d.", articleID)
		}
		return err
	})
}

// RemoveBookmark forgets a kept article.
func (s portalStore) RemoveBookmark(ctx context.Context, userID, articleID int64) (err error) {
	defer s.db.wrap(&err, "remove bookmark")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM client_bookmarks WHERE client_user_id = ? AND article_id = ?`, userID, articleID)
		return err
	})
}

// Bookmarks are the user's kept articles, newest bookmark first.
func (s portalStore) Bookmarks(ctx context.Context, userID int64) (_ []int64, err error) {
	defer s.db.wrap(&err, "bookmarks")
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (id int64, err error) { return id, r.Scan(&id) },
		`SELECT article_id FROM client_bookmarks WHERE client_user_id = ? ORDER BY created_at DESC, article_id DESC LIMIT 500`, userID)
}

const followColumns = `id, client_user_id, kind, value, created_at`

func scanFollow(r sqlutil.Scanner) (dateline.Follow, error) {
	var f dateline.Follow
	var created sqlutil.Time
	err := r.Scan(&f.ID, &f.UserID, &f.Kind, &f.Value, &created)
	f.CreatedAt = created.T
	return f, err
}

// AddFollow stores a follow.
func (s portalStore) AddFollow(ctx context.Context, f *dateline.Follow, now time.Time) (err error) {
	defer s.db.wrap(&err, "add follow")
	if err := f.Validate(); err != nil {
		return err
	}
	f.CreatedAt = sqlutil.TruncSecond(now)
	return s.db.QuietTx(ctx, func(tx Querier) error {
		err := tx.QueryRow(ctx, `INSERT INTO client_follows (client_user_id, kind, value, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
			f.UserID, f.Kind, f.Value, s.db.Time(f.CreatedAt)).Scan(&f.ID)
		switch {
		case s.db.IsUnique(err):
			return dateline.Errorf(dateline.ECONFLICT, "You follow this already.")
		case s.db.IsForeignKey(err):
			return dateline.Errorf(dateline.ENOTFOUND, "No client user %d.", f.UserID)
		}
		return err
	})
}

// DeleteFollow removes the user's follow.
func (s portalStore) DeleteFollow(ctx context.Context, userID, id int64) (err error) {
	defer s.db.wrap(&err, "delete follow")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM client_follows WHERE id = ? AND client_user_id = ?`, id, userID)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "You do not follow this.")
		}
		return err
	})
}

// Follows lists the user's follows, oldest first.
func (s portalStore) Follows(ctx context.Context, userID int64) (_ []dateline.Follow, err error) {
	defer s.db.wrap(&err, "follows")
	return collect(ctx, s.db.Fresh(ctx), scanFollow, `SELECT `+followColumns+` FROM client_follows WHERE client_user_id = ? ORDER BY id`, userID)
}

// FollowsFor lists the follows of the topics and persons, and every
// saved search.
func (s portalStore) FollowsFor(ctx context.Context, topics, persons []string) (_ []dateline.Follow, err error) {
	defer s.db.wrap(&err, "follows for")
	q := `SELECT ` + followColumns + ` FROM client_follows WHERE kind = 'search'`
	var args []any
	for _, l := range []struct {
		kind string
		vals []string
	}{{dateline.FollowTopic, topics}, {dateline.FollowPerson, persons}} {
		if len(l.vals) == 0 {
			continue
		}
		q += ` OR (kind = ? AND value IN (?` + repeatPlaceholders(len(l.vals)-1) + `))`
		args = append(args, l.kind)
		for _, v := range l.vals {
			args = append(args, v)
		}
	}
	return collect(ctx, s.db.Read(ctx), scanFollow, q+` ORDER BY id`, args...)
}

func repeatPlaceholders(n int) string {
	b := make([]byte, 0, 3*n)
	for range n {
		b = append(b, ", ?"...)
	}
	return string(b)
}

// AddUsage adds the counts.
func (s portalStore) AddUsage(ctx context.Context, us []dateline.Usage) (err error) {
	defer s.db.wrap(&err, "add usage")
	if len(us) == 0 {
		return nil
	}
	args := make([][]any, 0, len(us))
	for _, u := range us {
		args = append(args, []any{u.ClientID, u.ProductID, u.Day, u.Kind, u.Count})
	}
	return s.db.QuietTx(ctx, func(tx Querier) error {
		return tx.ExecEach(ctx, `INSERT INTO client_usage (client_id, product_id, day, kind, count) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (client_id, day, product_id, kind) DO UPDATE SET count = client_usage.count + excluded.count`, args)
	})
}

// UsageOf lists a client's counts between two days.
func (s portalStore) UsageOf(ctx context.Context, clientID int64, from, until string) (_ []dateline.Usage, err error) {
	defer s.db.wrap(&err, "usage")
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (u dateline.Usage, err error) {
		return u, r.Scan(&u.ClientID, &u.ProductID, &u.Day, &u.Kind, &u.Count)
	}, `SELECT client_id, product_id, day, kind, count FROM client_usage WHERE client_id = ? AND day >= ? AND day <= ?
		ORDER BY day, product_id, kind`, clientID, from, until)
}
