package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// peopleStore is accounts, sessions, tokens and the audit log.
type peopleStore struct{ *DB }

// userReturning are sqlutil.UserColumns as RETURNING names them: SQLite allows no
// table names there.
const userReturning = `id, email, name, role, password_hash, disabled, failures, locked_until, created_at`

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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, failures, locked_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.Failures, unix(u.LockedUntil), u.CreatedAt.Unix()).Scan(&u.ID)
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET email = ?, name = ?, role = ?, disabled = ? WHERE id = ?`,
			u.Email, u.Name, string(u.Role), u.Disabled, u.ID)
		if isUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "An account with this email exists.")
		} else if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", u.ID)
		}
		if u.Disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, failures = 0, locked_until = NULL WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// User returns the account with the id. Returns ENOTFOUND.
func (db peopleStore) User(ctx context.Context, id int64) (_ *dateline.User, err error) {
	defer wrap(&err, "user")
	u, err := sqlutil.ScanUser(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE u.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No account %d.", id)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// UserByEmail returns the account with the email, ignoring case. Returns
// ENOTFOUND.
func (db peopleStore) UserByEmail(ctx context.Context, email string) (_ *dateline.User, err error) {
	defer wrap(&err, "user by email")
	// The column's NOCASE collation makes = ignore case.
	u, err := sqlutil.ScanUser(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE u.email = ?`, strings.TrimSpace(email)))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No account has the email %q.", email)
	} else if err != nil {
		return nil, err
	}
	return u, nil
}

// Users lists every account in the order they were made.
func (db peopleStore) Users(ctx context.Context) (_ []dateline.User, err error) {
	defer wrap(&err, "users")
	rows, err := db.read.QueryContext(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u ORDER BY u.id`)
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
	until := now.Add(lock).Unix()
	err = db.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		u, err = sqlutil.ScanUser(tx.QueryRowContext(ctx, `UPDATE users SET
				failures = CASE WHEN ?1 > 0 AND failures + 1 >= ?1 THEN 0 ELSE failures + 1 END,
				locked_until = CASE WHEN ?1 > 0 AND failures + 1 >= ?1 THEN ?2 ELSE locked_until END
			WHERE id = ?3 RETURNING `+userReturning, limit, until, userID))
		if errors.Is(err, sql.ErrNoRows) {
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		// One statement decides and clears, so no failure can come between.
		var locked sql.NullInt64
		err := tx.QueryRowContext(ctx, `UPDATE users SET
				failures = CASE WHEN locked_until IS NULL OR locked_until <= ?1 THEN 0 ELSE failures END,
				locked_until = CASE WHEN locked_until IS NULL OR locked_until <= ?1 THEN NULL ELSE locked_until END
			WHERE id = ?2 RETURNING locked_until`, now.Unix(), userID).Scan(&locked)
		if errors.Is(err, sql.ErrNoRows) {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		} else if err != nil {
			return err
		}
		if locked.Valid {
			return dateline.Errorf(dateline.EFORBIDDEN, "This account is locked until %s.", fromUnix(locked).Format("15:04 UTC"))
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
			s.Hash, s.UserID, s.CSRF, s.CreatedAt.Unix(), s.ExpiresAt.Unix()).Scan(&s.ID)
		if isForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", s.UserID)
		}
		return err
	})
}

// Session returns the live session with the hash and its account. Returns
// EUNAUTHORIZED when there is none, it ended by now or the account is
// disabled.
func (db peopleStore) Session(ctx context.Context, hash []byte, now time.Time) (_ *dateline.Session, err error) {
	defer wrap(&err, "session")
	var s dateline.Session
	var created, expires int64
	u, err := sqlutil.ScanUser(db.read.QueryRowContext(ctx, `SELECT `+sqlutil.UserColumns+`, s.id, s.hash, s.user_id, s.csrf, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, hash),
		&s.ID, &s.Hash, &s.UserID, &s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	} else if err != nil {
		return nil, err
	}
	s.CreatedAt, s.ExpiresAt, s.User = time.Unix(created, 0).UTC(), time.Unix(expires, 0).UTC(), u
	if !s.ExpiresAt.After(now) || u.Disabled {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	}
	return &s, nil
}

// DeleteSession ends the session with the hash, if there is one.
func (db peopleStore) DeleteSession(ctx context.Context, hash []byte) (err error) {
	defer wrap(&err, "delete session")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions that ended by now.
func (db peopleStore) DeleteExpiredSessions(ctx context.Context, now time.Time) (err error) {
	defer wrap(&err, "delete expired sessions")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, now.Unix())
		return err
	})
}

// Tokens lists every API token, newest first.
func (db peopleStore) Tokens(ctx context.Context) (_ []dateline.Token, err error) {
	defer wrap(&err, "tokens")
	rows, err := db.read.QueryContext(ctx, `SELECT id, name, scope, hash, created_at, embargo, source FROM tokens ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ts := []dateline.Token{}
	for rows.Next() {
		var t dateline.Token
		var created int64
		if err := rows.Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &created, &t.Embargo, &t.Source); err != nil {
			return nil, err
		}
		t.CreatedAt = time.Unix(created, 0).UTC()
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

// DeleteToken revokes the token. Returns ENOTFOUND.
func (db peopleStore) DeleteToken(ctx context.Context, id int64) (err error) {
	defer wrap(&err, "delete token")
	return db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM tokens WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No token %d.", id)
		}
		return nil
	})
}

// TagSuggest returns up to limit topics ("topics") or persons ("persons")
// whose name starts with prefix, then those whose name contains it,
// ignoring case. SQLite's lower() folds ASCII only, so names are matched
// by their slug too: "лав" finds "Сергей Лавров" as "lav" in
// "sergey-lavrov". Returns EINVALID for another kind.
func (db peopleStore) TagSuggest(ctx context.Context, kind, prefix string, limit int) (_ []dateline.Topic, err error) {
	defer wrap(&err, "tag suggest")
	if kind != "topics" && kind != "persons" {
		return nil, dateline.Errorf(dateline.EINVALID, "Tags are topics or persons, not %q.", kind)
	}
	ts := []dateline.Topic{}
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return ts, nil
	}
	slug := dateline.Slugify(prefix)
	rows, err := db.read.QueryContext(ctx, `SELECT id, slug, name FROM (
			SELECT id, slug, name,
				CASE WHEN instr(lower(name), lower(?1)) = 1 OR (?2 <> '' AND instr(slug, ?2) = 1) THEN 0 ELSE 1 END AS rank
			FROM `+kind+`
			WHERE instr(lower(name), lower(?1)) > 0 OR (?2 <> '' AND instr(slug, ?2) > 0))
		ORDER BY rank, slug, id LIMIT ?3`, prefix, slug, sqlutil.LimitOr(limit, 10, 50))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t dateline.Topic
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name); err != nil {
			return nil, err
		}
		ts = append(ts, t)
	}
	return ts, rows.Err()
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
	return db.inTx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO audit_log (at, user_id, user_name, action, target, detail)
			VALUES (?, ?, COALESCE(NULLIF(?, ''), (SELECT name FROM users WHERE id = ?), ''), ?, ?, ?) RETURNING id, user_name`,
			e.At.Unix(), sqlutil.NullID(e.UserID), e.UserName, e.UserID, e.Action, e.Target, e.Detail).Scan(&e.ID, &e.UserName)
	})
}

// AuditLog lists entries newest first, below the id before (0: from the
// newest), at most limit (100 by default, 500 at most).
func (db peopleStore) AuditLog(ctx context.Context, before int64, limit int) (_ []dateline.AuditEntry, err error) {
	defer wrap(&err, "audit log")
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := db.read.QueryContext(ctx, `SELECT id, at, COALESCE(user_id, 0), user_name, action, target, detail
		FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`, before, sqlutil.LimitOr(limit, 100, 500))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	es := []dateline.AuditEntry{}
	for rows.Next() {
		var e dateline.AuditEntry
		var at int64
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Action, &e.Target, &e.Detail); err != nil {
			return nil, err
		}
		e.At = time.Unix(at, 0).UTC()
		es = append(es, e)
	}
	return es, rows.Err()
}
