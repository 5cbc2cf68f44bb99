package sqlstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/internal/sqlutil"
)

// mailStore is email's storage (dateline.Mails): the outbox, the
// suppression list and the unsubscribe key. Its times are Unix
// milliseconds, as push's, and its writes are QuietTx: no page shows them.
type mailStore struct{ db *DB }

// AddressKey is how an address is compared with the suppression list:
// trimmed and in lower case.
func AddressKey(address string) string { return strings.ToLower(strings.TrimSpace(address)) }

// EnqueueMail queues m unless its dedupe key was queued before.
func (s mailStore) EnqueueMail(ctx context.Context, m *dateline.OutMail, now time.Time) (queued bool, err error) {
	defer s.db.wrap(&err, "enqueue mail")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		queued, err = enqueueMail(ctx, tx, m, now)
		return err
	})
	return queued, err
}

// enqueueMail queues m in tx unless its dedupe key was queued before.
func enqueueMail(ctx context.Context, tx Querier, m *dateline.OutMail, now time.Time) (queued bool, err error) {
	m.To, m.DedupeKey, m.ListID = strings.TrimSpace(m.To), strings.TrimSpace(m.DedupeKey), strings.TrimSpace(m.ListID)
	switch {
	case m.To == "" || len(m.To) > 320 || strings.ContainsAny(m.To, "\r\n\x00"):
		return false, dateline.Errorf(dateline.EINVALID, "A message needs an address of at most 320 characters.")
	case m.DedupeKey == "" || len(m.DedupeKey) > 500:
		return false, dateline.Errorf(dateline.EINVALID, "A message needs a dedupe key of at most 500 characters.")
	case m.Text == "" && m.HTML == "":
		return false, dateline.Errorf(dateline.EINVALID, "A message needs a body.")
	case !utf8.ValidString(m.Subject + m.Text + m.HTML + m.To + m.ListID + m.DedupeKey):
		return false, dateline.Errorf(dateline.EINVALID, "A message must be UTF-8 text.")
	}
	if m.Lang == "" {
		m.Lang = dateline.LangMain
	}
	m.Status, m.CreatedAt, m.NextAt = dateline.MailPending, now.Truncate(time.Millisecond).UTC(), now.Truncate(time.Millisecond).UTC()
	err = tx.QueryRow(ctx, `INSERT INTO mail_outbox (dedupe_key, list_id, lang, to_addr, address_key, subject, text_body, html_body, next_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		m.DedupeKey, m.ListID, m.Lang, m.To, AddressKey(m.To), m.Subject, m.Text, m.HTML, ms(m.NextAt), ms(m.CreatedAt)).Scan(&m.ID)
	if noRows(err) {
		return false, nil
	}
	return err == nil, err
}

const mailColumns = `id, dedupe_key, list_id, lang, to_addr, subject, text_body, html_body, status, attempts, next_at, last_error, created_at, sent_at`

func scanMail(r sqlutil.Scanner) (dateline.OutMail, error) {
	var m dateline.OutMail
	var next, created int64
	var sent *int64
	err := r.Scan(&m.ID, &m.DedupeKey, &m.ListID, &m.Lang, &m.To, &m.Subject, &m.Text, &m.HTML, &m.Status, &m.Attempts, &next, &m.LastError, &created, &sent)
	m.NextAt, m.CreatedAt, m.SentAt = fromMs(&next), fromMs(&created), fromMs(sent)
	return m, err
}

// ClaimMail marks the due messages of suppressed addresses, then leases
// up to limit due messages. The locking SELECT skips rows another node
// holds (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer).
func (s mailStore) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) (out []dateline.OutMail, suppressed int, err error) {
	defer s.db.wrap(&err, "claim mail")
	stamp := now.UnixMilli()
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE mail_outbox SET status = 'suppressed', last_error = 'the address unsubscribed from the list'
			WHERE status = 'pending' AND next_at <= ? AND list_id <> ''
			  AND EXISTS (SELECT 1 FROM mail_suppressions p WHERE p.address = mail_outbox.address_key AND p.list_id = mail_outbox.list_id)`, stamp)
		if err != nil {
			return err
		}
		suppressed = int(n)
		ids, err := collect(ctx, tx, scanID, `SELECT id FROM mail_outbox WHERE status = 'pending' AND next_at <= ?
			ORDER BY next_at, id LIMIT ?`+s.db.SkipLocked, stamp, limit)
		if err != nil || len(ids) == 0 {
			return err
		}
		args := make([][]any, len(ids))
		for i, id := range ids {
			args[i] = []any{now.Add(lease).UnixMilli(), id}
		}
		if err := tx.ExecEach(ctx, `UPDATE mail_outbox SET next_at = ?, attempts = attempts + 1 WHERE id = ?`, args); err != nil {
			return err
		}
		out, err = collect(ctx, tx, scanMail, `SELECT `+mailColumns+` FROM mail_outbox WHERE id IN (`+placeholders(len(ids))+`) ORDER BY id`, anys(ids)...)
		return err
	})
	return out, suppressed, err
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// FinishMail records the outcomes of attempts.
func (s mailStore) FinishMail(ctx context.Context, results []dateline.MailResult, now time.Time) (err error) {
	defer s.db.wrap(&err, "finish mail")
	if len(results) == 0 {
		return nil
	}
	var sent, retry, failed [][]any
	for _, r := range results {
		msg := truncate(r.Error, 500)
		switch {
		case r.Sent:
			sent = append(sent, []any{now.UnixMilli(), r.ID})
		case r.NextAt.IsZero():
			failed = append(failed, []any{msg, r.ID})
		default:
			retry = append(retry, []any{r.NextAt.UnixMilli(), msg, r.ID})
		}
	}
	return s.db.QuietTx(ctx, func(tx Querier) error {
		if err := tx.ExecEach(ctx, `UPDATE mail_outbox SET status = 'sent', sent_at = ?, last_error = '' WHERE id = ?`, sent); err != nil {
			return err
		}
		if err := tx.ExecEach(ctx, `UPDATE mail_outbox SET status = 'failed', last_error = ? WHERE id = ? AND status = 'pending'`, failed); err != nil {
			return err
		}
		return tx.ExecEach(ctx, `UPDATE mail_outbox SET next_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`, retry)
	})
}

// MailOutbox lists the messages with the status, oldest first.
func (s mailStore) MailOutbox(ctx context.Context, status string, limit int) (_ []dateline.OutMail, err error) {
	defer s.db.wrap(&err, "mail outbox")
	return collect(ctx, s.db.Fresh(ctx), scanMail, `SELECT `+mailColumns+` FROM mail_outbox WHERE status = ? ORDER BY id LIMIT ?`, status, limit)
}

// PruneMail deletes the messages sent or suppressed before before.
func (s mailStore) PruneMail(ctx context.Context, before time.Time) (n int, err error) {
	defer s.db.wrap(&err, "prune mail")
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		c, err := tx.Exec(ctx, `DELETE FROM mail_outbox WHERE status IN ('sent', 'suppressed') AND created_at < ?`, before.UnixMilli())
		n = int(c)
		return err
	})
	return n, err
}

// Suppress adds the address to the list's suppression list.
func (s mailStore) Suppress(ctx context.Context, address, listID string, now time.Time) (err error) {
	defer s.db.wrap(&err, "suppress")
	address, listID = AddressKey(address), strings.TrimSpace(listID)
	if address == "" || listID == "" || len(address) > 320 || len(listID) > 200 {
		return dateline.Errorf(dateline.EINVALID, "A suppression needs an address and a list.")
	}
	return s.db.QuietTx(ctx, func(tx Querier) error {
		_, err := tx.Exec(ctx, `INSERT INTO mail_suppressions (address, list_id, created_at) VALUES (?, ?, ?) ON CONFLICT (address, list_id) DO NOTHING`,
			address, listID, now.UnixMilli())
		return err
	})
}

// Suppressed reports whether the address is on the list's suppression
// list.
func (s mailStore) Suppressed(ctx context.Context, address, listID string) (_ bool, err error) {
	defer s.db.wrap(&err, "suppressed")
	var n int
	err = s.db.Fresh(ctx).QueryRow(ctx, `SELECT COUNT(*) FROM mail_suppressions WHERE address = ? AND list_id = ?`, AddressKey(address), strings.TrimSpace(listID)).Scan(&n)
	return n > 0, err
}

// MailKey returns the unsubscribe key, made by the first node to ask.
func (s mailStore) MailKey(ctx context.Context) (key []byte, err error) {
	defer s.db.wrap(&err, "mail key")
	var h string
	err = s.db.QuietTx(ctx, func(tx Querier) error {
		fresh := make([]byte, 32)
		rand.Read(fresh)
		if _, err := tx.Exec(ctx, `INSERT INTO mail_key (id, key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING`, hex.EncodeToString(fresh)); err != nil {
			return err
		}
		return tx.QueryRow(ctx, `SELECT key FROM mail_key WHERE id = 1`).Scan(&h)
	})
	if err != nil {
		return nil, err
	}
	return hex.DecodeString(h)
}
