package sqlstore

import (
	"context"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// peopleStore is accounts, sessions, tokens and the audit log. Its reads
// are Fresh, so that a lockout, a disabled flag or a new session counts at
// once.
type peopleStore struct{ db *DB }

// userReturning are sqlutil.UserColumns as RETURNING names them: SQLite
// allows no table names there.
const userReturning = `id, email, name, role, password_hash, disabled, failures, locked_until, created_at`

func scanUser(r sqlutil.Scanner) (*dateline.User, error) { return sqlutil.ScanUser(r) }

// CreateUser stores a new account. Returns EINVALID for a bad email, name
// or role and ECONFLICT when the email (in any case) has an account.
func (s peopleStore) CreateUser(ctx context.Context, u *dateline.User, now time.Time) (err error) {
	defer s.db.wrap(&err, "create user")
	if err := u.Validate(); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	u.CreatedAt, u.LockedUntil = sqlutil.TruncSecond(u.CreatedAt), sqlutil.TruncSecond(u.LockedUntil)
	return s.db.Tx(ctx, func(tx Querier) error {
		err := tx.QueryRow(ctx, `INSERT INTO users (email, name, role, password_hash, disabled, failures, locked_until, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.Email, u.Name, string(u.Role), u.PasswordHash, u.Disabled, u.Failures, s.db.Time(u.LockedUntil), s.db.Time(u.CreatedAt)).Scan(&u.ID)
		if s.db.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "An account with this email exists.")
		}
		return err
	})
}

// UpdateUser saves the email, name, role and disabled flag; a disabled
// account loses its sessions. Returns ENOTFOUND, EINVALID or ECONFLICT.
func (s peopleStore) UpdateUser(ctx context.Context, u *dateline.User) (err error) {
	defer s.db.wrap(&err, "update user")
	if err := u.Validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE users SET email = ?, name = ?, role = ?, disabled = ? WHERE id = ?`,
			u.Email, u.Name, string(u.Role), u.Disabled, u.ID)
		if s.db.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "An account with this email exists.")
		} else if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", u.ID)
		}
		if u.Disabled {
			_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, u.ID)
		}
		return err
	})
}

// SetPassword replaces the hash, clears failures and lockout and ends
// every session of the account. Returns ENOTFOUND.
func (s peopleStore) SetPassword(ctx context.Context, userID int64, hash string) (err error) {
	defer s.db.wrap(&err, "set password")
	if hash == "" {
		return dateline.Errorf(dateline.EINVALID, "A password is needed.")
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE users SET password_hash = ?, failures = 0, locked_until = NULL WHERE id = ?`, hash, userID)
		if err != nil {
			return err
		}
		if n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No account %d.", userID)
		}
		_, err = tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
}

// User returns the account with the id. Returns ENOTFOUND.
func (s peopleStore) User(ctx context.Context, id int64) (_ *dateline.User, err error) {
	defer s.db.wrap(&err, "user")
	u, err := sqlutil.ScanUser(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE u.id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No account %d.", id)
	}
	return u, nil
}

// UserByEmail returns the account with the email, ignoring case. Returns
// ENOTFOUND.
func (s peopleStore) UserByEmail(ctx context.Context, email string) (_ *dateline.User, err error) {
	defer s.db.wrap(&err, "user by email")
	u, err := sqlutil.ScanUser(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+sqlutil.UserColumns+` FROM users u WHERE lower(u.email) = lower(?)`, strings.TrimSpace(email)))
	if err != nil {
		return nil, notFound(err, "No account has the email %q.", email)
	}
	return u, nil
}

// Users lists every account in the order they were made.
func (s peopleStore) Users(ctx context.Context) (_ []dateline.User, err error) {
	defer s.db.wrap(&err, "users")
	return collect(ctx, s.db.Fresh(ctx), sqlutil.Value(scanUser), `SELECT `+sqlutil.UserColumns+` FROM users u ORDER BY u.id`)
}

// LoginFailed counts a failed sign-in in one statement, so that attempts
// at once all count; at limit failures the account is locked until
// now+lock and the count starts again. Returns the account. Returns
// ENOTFOUND.
func (s peopleStore) LoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (u *dateline.User, err error) {
	defer s.db.wrap(&err, "login failed")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		var err error
		u, err = sqlutil.ScanUser(s.db.countFailure(ctx, tx, "users", userReturning, userID, now, limit, lock))
		return notFound(err, "No account %d.", userID)
	})
	return u, err
}

// LoginSucceeded clears failures and lockout, unless the account is locked
// at now: wrong passwords sent at the same time as the right one may have
// locked it since the right one was checked. Then nothing changes and it
// returns EFORBIDDEN. Returns ENOTFOUND for an unknown account.
func (s peopleStore) LoginSucceeded(ctx context.Context, userID int64, now time.Time) (err error) {
	defer s.db.wrap(&err, "login succeeded")
	return s.db.clearFailures(ctx, "users", userID, now)
}

// countFailure counts a failed sign-in of the account id in table (users
// or client_users) in one statement, so that attempts at once all count;
// at limit failures it is locked until now+lock and the count starts
// again. The row comes back with the columns of returning.
func (db *DB) countFailure(ctx context.Context, tx Querier, table, returning string, id int64, now time.Time, limit int, lock time.Duration) sqlutil.Scanner {
	return tx.QueryRow(ctx, `UPDATE `+table+` SET
			failures = CASE WHEN ? > 0 AND failures + 1 >= ? THEN 0 ELSE failures + 1 END,
			locked_until = CASE WHEN ? > 0 AND failures + 1 >= ? THEN ? ELSE locked_until END
		WHERE id = ? RETURNING `+returning, limit, limit, limit, limit, db.Time(now.Add(lock)), id)
}

// clearFailures clears the failures and lock of the account id in table
// (users or client_users) unless it is locked at now (EFORBIDDEN).
// Returns ENOTFOUND.
func (db *DB) clearFailures(ctx context.Context, table string, id int64, now time.Time) error {
	at := db.Time(now)
	return db.QuietTx(ctx, func(tx Querier) error {
		// One statement decides and clears, so no failure can come between:
		// the row lock (or SQLite's one writer) makes a concurrent
		// failure wait or go first.
		var locked sqlutil.Time
		err := tx.QueryRow(ctx, `UPDATE `+table+` SET
				failures = CASE WHEN locked_until IS NULL OR locked_until <= ? THEN 0 ELSE failures END,
				locked_until = CASE WHEN locked_until IS NULL OR locked_until <= ? THEN NULL ELSE locked_until END
			WHERE id = ? RETURNING locked_until`, at, at, id).Scan(&locked)
		if err != nil {
			return notFound(err, "No account %d.", id)
		}
		if !locked.T.IsZero() {
			return dateline.Errorf(dateline.EFORBIDDEN, "This account is locked until %s.", locked.T.Format("15:04 UTC"))
		}
		return nil
	})
}

// CreateSession stores a session. Returns EINVALID without a hash, account
// or end, and ENOTFOUND for an unknown account.
func (s peopleStore) CreateSession(ctx context.Context, se *dateline.Session, now time.Time) (err error) {
	defer s.db.wrap(&err, "create session")
	if len(se.Hash) == 0 || se.UserID == 0 || se.ExpiresAt.IsZero() {
		return dateline.Errorf(dateline.EINVALID, "A session needs a hash, an account and an end.")
	}
	if se.CreatedAt.IsZero() {
		se.CreatedAt = now
	}
	se.CreatedAt, se.ExpiresAt = sqlutil.TruncSecond(se.CreatedAt), sqlutil.TruncSecond(se.ExpiresAt)
	return s.db.insertSecret(ctx, &se.ID, `INSERT INTO sessions (hash, user_id, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
		"No account %d.", se.UserID, se.Hash, se.UserID, se.CSRF, s.db.Time(se.CreatedAt), s.db.Time(se.ExpiresAt))
}

// insertSecret runs an INSERT of a secret's row (a session, an
// invitation) in a quiet transaction and reads its id into id; a row of
// no account (owner) is ENOTFOUND with the words of notFound.
func (db *DB) insertSecret(ctx context.Context, id *int64, insert, notFound string, owner int64, args ...any) error {
	return db.QuietTx(ctx, func(tx Querier) error {
		err := tx.QueryRow(ctx, insert+` RETURNING id`, args...).Scan(id)
		if db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, notFound, owner)
		}
		return err
	})
}

// Session returns the live session with the hash and its account. Returns
// EUNAUTHORIZED when there is none, it ended by now or the account is
// disabled.
func (s peopleStore) Session(ctx context.Context, hash []byte, now time.Time) (_ *dateline.Session, err error) {
	defer s.db.wrap(&err, "session")
	var se dateline.Session
	var created, expires sqlutil.Time
	u, err := sqlutil.ScanUser(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+sqlutil.UserColumns+`, s.id, s.hash, s.user_id, s.csrf, s.created_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.hash = ?`, hash),
		&se.ID, &se.Hash, &se.UserID, &se.CSRF, &created, &expires)
	if noRows(err) {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	} else if err != nil {
		return nil, err
	}
	se.CreatedAt, se.ExpiresAt, se.User = created.T, expires.T, u
	if !se.ExpiresAt.After(now) || u.Disabled {
		return nil, dateline.Errorf(dateline.EUNAUTHORIZED, "Your session has ended; sign in again.")
	}
	return &se, nil
}

// DeleteSession ends the session with the hash, if there is one.
func (s peopleStore) DeleteSession(ctx context.Context, hash []byte) (err error) {
	defer s.db.wrap(&err, "delete session")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash)
		return err
	})
}

// DeleteExpiredSessions removes the sessions that ended by now.
func (s peopleStore) DeleteExpiredSessions(ctx context.Context, now time.Time) (err error) {
	defer s.db.wrap(&err, "delete expired sessions")
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, s.db.Time(now))
		return err
	})
}

// Tokens lists every staff API token (none of a client's), newest first.
func (s peopleStore) Tokens(ctx context.Context) (_ []dateline.Token, err error) {
	defer s.db.wrap(&err, "tokens")
	return collect(ctx, s.db.Fresh(ctx), scanToken, `SELECT `+tokenColumns+` FROM tokens WHERE client_id IS NULL ORDER BY created_at DESC, id DESC`)
}

const tokenColumns = `id, name, scope, hash, created_at, embargo, source, COALESCE(client_id, 0)`

func scanToken(r sqlutil.Scanner) (dateline.Token, error) {
	var t dateline.Token
	var created sqlutil.Time
	err := r.Scan(&t.ID, &t.Name, &t.Scope, &t.Hash, &created, &t.Embargo, &t.Source, &t.ClientID)
	t.CreatedAt = created.T
	return t, err
}

// DeleteToken revokes the token. Returns ENOTFOUND.
func (s peopleStore) DeleteToken(ctx context.Context, id int64) (err error) {
	defer s.db.wrap(&err, "delete token")
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM tokens WHERE id = ?`, id)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No token %d.", id)
		}
		return err
	})
}

// AddAudit records an entry. The account's name is filled in when
// e.UserName is empty.
func (s peopleStore) AddAudit(ctx context.Context, e *dateline.AuditEntry, now time.Time) (err error) {
	defer s.db.wrap(&err, "add audit")
	if e.Action == "" {
		return dateline.Errorf(dateline.EINVALID, "An audit entry needs an action.")
	}
	if e.At.IsZero() {
		e.At = now
	}
	e.At = sqlutil.TruncSecond(e.At)
	return s.db.QuietTx(ctx, func(tx Querier) error {
		return tx.QueryRow(ctx, `INSERT INTO audit_log (at, user_id, user_name, action, target, detail)
			VALUES (?, ?, COALESCE(NULLIF(?, ''), (SELECT name FROM users WHERE id = ?), ''), ?, ?, ?) RETURNING id, user_name`,
			s.db.Time(e.At), sqlutil.NullID(e.UserID), e.UserName, e.UserID, e.Action, e.Target, e.Detail).Scan(&e.ID, &e.UserName)
	})
}

// AuditLog lists entries newest first, below the id before (0: from the
// newest), at most limit (100 by default, 500 at most).
func (s peopleStore) AuditLog(ctx context.Context, before int64, limit int) (_ []dateline.AuditEntry, err error) {
	defer s.db.wrap(&err, "audit log")
	if before <= 0 {
		before = 1<<63 - 1
	}
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (dateline.AuditEntry, error) {
		var e dateline.AuditEntry
		var at sqlutil.Time
		err := r.Scan(&e.ID, &at, &e.UserID, &e.UserName, &e.Action, &e.Target, &e.Detail)
		e.At = at.T
		return e, err
	}, `SELECT id, at, COALESCE(user_id, 0), user_name, action, target, detail
		FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`, before, sqlutil.LimitOr(limit, 100, 500))
}
