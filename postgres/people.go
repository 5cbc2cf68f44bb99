package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
	"github.com/jackc/pgx/v5"
)

// peopleStore is accounts, sessions, tokens and the audit log.
type peopleStore struct{ *DB }

// CreateUser stores a new account. Returns EINVALID for a bad email, name
// or role and ECONFLICT when the email (in any case) has an account.
func (db peopleStore) CreateUser(ctx context.Context, u *dateline.User, now time.Time) (err error) {
	defer wrap(&err, "create user")
	if err := u.Validate(); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	u.CreatedAt, u.LockedUntil = sqlutil.TruncSecond(u.CreatedAt), sqlutil.TruncSecond(u.LockedUntil)
	return db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, failures, locked_until, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.Failures, ts(u.LockedUntil), ts(u.CreatedAt)).Scan(&u.ID)
		if isUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "An account with this email exists.")
		}
		return err
	})
}

// UpdateUser saves the email, name, role and disabled flag; a disabled
// account loses its sessions. Returns ENOTFOUND, EINVALID or ECONFLICT.
func (db peopleStore) UpdateUser(ctx context.Context, u *dateline.User) (err error) {
	defer wrap(&err, "update user")
	if err := u.Validate(); err != nil {
		return err
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET email = $1, name = $2, role = $3, disabled = $4 WHERE id = $5`,
			u.Email, u.Name, string(u.Role), u.Disabled, u.ID)
		if isUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "An account with this email exists.")
		} else if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", u.ID)
		}
		if u.Disabled {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID)
		}
		return err
	})
}

// SetPassword replaces the hash, clears failures and lockout and ends
// every session of the account. Returns ENOTFOUND.
func (db peopleStore) SetPassword(ctx context.Context, userID int64, hash string) (err error) {
	defer wrap(&err, "set password")
	if hash == "" {
		return dateline.Errorf(dateline.EINVALID, "A password is needed.")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users SET password_hash = $1, failures = 0, locked_until = NULL WHERE id = $2`, hash, userID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	})
}

// User returns the account with the id, read from the primary so that a
// lockout or a disabled flag counts at once. Returns ENOTFOUND.
func (db peopleStore) User(ctx context.Context, id int64) (_ *dateline.User, err error) {
	defer wrap(&err, "user")
	u, err := sqlutil.ScanUser(db.primary.QueryRow(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE u.id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No account %d.", id)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByEmail returns the account with the email, ignoring case, from the
// primary. Returns ENOTFOUND.
func (db peopleStore) UserByEmail(ctx context.Context, email string) (_ *dateline.User, err error) {
	defer wrap(&err, "user by email")
	u, err := sqlutil.ScanUser(db.primary.QueryRow(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE lower(u.email) = lower($1)`, strings.TrimSpace(email)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No account has the email %q.", email)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists every account in the order they were made.
func (db peopleStore) Users(ctx context.Context) (_ []dateline.User, err error) {
	defer wrap(&err, "users")
	rows, err := db.primary.Query(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return sqlutil.Collect(rows, []dateline.User{}, sqlutil.Value(func(r sqlutil.Scanner) (*dateline.User, error) { return sqlutil.ScanUser(r) }))
}

// LoginFailed counts a failed sign-in in one statement, so that attempts
// at once all count; at limit failures the account is locked until
// now+lock and the count starts again. Returns the account. Returns
// ENOTFOUND.
func (db peopleStore) LoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (u *dateline.User, err error) {
	defer wrap(&err, "login failed")
	err = db.inQuietTx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = sqlutil.ScanUser(tx.QueryRow(ctx, `UPDATE users u SET
				failures = CASE WHEN $1::int > 0 AND u.failures + 1 >= $1::int THEN 0 ELSE u.failures + 1 END,
				locked_until = CASE WHEN $1::int > 0 AND u.failures + 1 >= $1::int THEN $2 ELSE u.locked_until END
			WHERE u.id = $3 RETURNING `+sqlutil.UserColumns, limit, ts(now.Add(lock)), userID))
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		}
		return err
	})
	return u, err
}

// LoginSucceeded clears failures and lockout, unless the account is locked
// at now: wrong passwords sent at the same time as the right one may have
// locked it since the right one was checked. Then nothing changes and it
// returns EFORBIDDEN. Returns ENOTFOUND for an unknown account.
func (db peopleStore) LoginSucceeded(ctx context.Context, userID int64, now time.Time) (err error) {
	defer wrap(&err, "login succeeded")
	return db.inQuietTx(ctx, func(tx pgx.Tx) error {
		// One statement decides and clears, so no failure can come between:
		// the row lock makes a concurrent LoginFailed wait or go first.
		var locked *time.Time
		err := tx.QueryRow(ctx, `UPDATE users u SET
				failures = CASE WHEN u.locked_until IS NULL OR u.locked_until <= $1 THEN 0 ELSE u.failures END,
				locked_until = CASE WHEN u.locked_until IS NULL OR u.locked_until <= $1 THEN NULL ELSE u.locked_until END
			WHERE u.id = $2 RETURNING u.locked_until`, now.UTC(), userID).Scan(&locked)
		if errors.Is(err, pgx.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		} else if err != nil {
			return err
		}
		if locked != nil {
			return dateline.Errorf(dateline.EFORBIDDEN, "This account is locked until %s.", locked.UTC().Format("15:04 UTC"))
		}
		return nil
	})
}

// CreateSession stores a session. Returns EINVALID without a hash, account
// or end, and ENOTFOUND for an unknown account.
func (db peopleStore) CreateSession(ctx context.Context, s *dateline.Session, now time.Time) (err error) {
	defer wrap(&err, "create session")
	if len(s.Hash) == 0 || s.UserID == 0 || s.ExpiresAt.IsZero() {
		return dateline.Errorf(dateline.EINVALID, "A session needs a hash, an account and an end.")
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = now
	}
	s.CreatedAt, s.ExpiresAt = sqlutil.TruncSecond(s.CreatedAt), sqlutil.TruncSecond(s.ExpiresAt)
	return db.inQuietTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			s.Hash, s.UserID, s.CSRF, ts(s.CreatedAt), ts(s.ExpiresAt)).Scan(&s.ID)
		if isForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", s.UserID)
		}
		return err
	})
}

// Session returns the live session with the hash and its account, from
// the primary. Returns EUNAUTHORIZED when there is none, it ended by now
// or the account is disabled.
func (db peopleStore) Session(ctx context.Context, hash []byte, now time.Time) (_ *dateline.Session, err error) {
	defer wrap(&err, "session")
	var s dateline.Session
	u, err := sqlutil.ScanUser(db.primary.QueryRow(ctx, `SELECT `+sqlutil.UserColumns+`, s.id, s.hash, s.user_id, s.csrf, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = $1`, hash),
		&s.ID, &s.Hash, &s.UserID, &s.CSRF, &s.CreatedAt, &s.ExpiresAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	} else if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.User = s.CreatedAt.UTC(), s.ExpiresAt.UTC(), u
	if !s.ExpiresAt.After(now) || u.Disabled {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	}
	return &s, nil
}

// DeleteSession ends the session with the hash, if there is one.
func (db peopleStore) DeleteSession(ctx context.Context, hash []byte) (err error) {
	defer wrap(&err, "delete session")
	return db.inQuietTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE hash = $1`, hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions that ended by now.
func (db peopleStore) DeleteExpiredSessions(ctx context.Context, now time.Time) (err error) {
	defer wrap(&err, "delete expired sessions")
	return db.inQuietTx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now.UTC())
		return err
	})
}

// Tokens lists every API token, newest first.
func (db peopleStore) Tokens(ctx context.Context) (_ []dateline.Token, err error) {
	defer wrap(&err, "tokens")
	rows, err := db.primary.Query(ctx, `SELECT id, name, scope, hash, created_at, embargo, source FROM tokens ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ts := []dateline.Token{}
	for rows.Next() {
		var t dateline.Token
		if err := rows.Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &t.CreatedAt, &t.Embargo, &t.Source); err != nil {
			return nil, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// DeleteToken revokes the token. Returns ENOTFOUND.
func (db peopleStore) DeleteToken(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "delete token")
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM tokens WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No token %d.", id)
		}
		return nil
	})
}

// TagSuggest returns up to limit topics ("topics") or persons ("persons")
// whose name starts with prefix, then those whose name contains it,
// ignoring case. Names are matched by their slug too, as SQLite does, so
// both engines suggest the same. Returns EINVALID for another kind.
func (db peopleStore) TagSuggest(ctx context.Context, kind, prefix string, limit int) (_ []dateline.Topic, err error) {
	defer wrap(&err, "tag suggest")
	if kind != "topics" && kind != "persons" {
		return nil, dateline.Errorf(dateline.EINVALID, "Tags are topics or persons, not %q.", kind)
	}
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return []dateline.Topic{}, nil
	}
	rows, err := db.reader(ctx).Query(ctx, `SELECT id, slug, name FROM (
			SELECT id, slug, name,
				CASE WHEN strpos(lower(name), lower($1)) = 1 OR ($2 <> '' AND starts_with(slug, $2)) THEN 0 ELSE 1 END AS rank
			FROM `+kind+`
			WHERE strpos(lower(name), lower($1)) > 0 OR ($2 <> '' AND strpos(slug, $2) > 0)) t
		ORDER BY rank, slug COLLATE "C", id LIMIT $3`, prefix, dateline.Slugify(prefix), sqlutil.LimitOr(limit, 10, 50))
	if err != nil {
		return nil, err
	}
	ts, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.Topic, error) {
		var t dateline.Topic
		err := row.Scan(&t.ID, &t.Slug, &t.Name)
		return t, err
	})
	if err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []dateline.Topic{}
	}
	return ts, nil
}

// AddAudit records an entry. The account's name is filled in when
// e.UserName is empty.
func (db peopleStore) AddAudit(ctx context.Context, e *dateline.AuditEntry, now time.Time) (err error) {
	defer wrap(&err, "add audit")
	if e.Action == "" {
		return dateline.Errorf(dateline.EINVALID, "An audit entry needs an action.")
	}
	if e.At.IsZero() {
		e.At = now
	}
	e.At = sqlutil.TruncSecond(e.At)
	return db.inQuietTx(ctx, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `INSERT INTO audit_log (at, user_id, user_name, action, target, detail)
			VALUES ($1, $2, COALESCE(NULLIF($3, ''), (SELECT name FROM users WHERE id = $2), ''), $4, $5, $6) RETURNING id, user_name`,
			ts(e.At), sqlutil.NullID(e.UserID), e.UserName, e.Action, e.Target, e.Detail).Scan(&e.ID, &e.UserName)
	})
}

// AuditLog lists entries newest first, below the id before (0: from the
// newest), at most limit (100 by default, 500 at most).
func (db peopleStore) AuditLog(ctx context.Context, before int64, limit int) (_ []dateline.AuditEntry, err error) {
	defer wrap(&err, "audit log")
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := db.primary.Query(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, action, target, detail
		FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2`, before, sqlutil.LimitOr(limit, 100, 500))
	if err != nil {
		return nil, err
	}
	es, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (dateline.AuditEntry, error) {
		var e dateline.AuditEntry
		err := row.Scan(&e.ID, &e.At, &e.UserID, &e.UserName, &e.Action, &e.Target, &e.Detail)
		e.At = e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, err
	}
	if es == nil {
		es = []dateline.AuditEntry{}
	}
	return es, nil
}
