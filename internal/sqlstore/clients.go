package sqlstore

import (
	"context"
	"crypto/rand"
	"strings"
	"time"

	"dateline"
	"dateline/internal/sqlutil"
)

// clientStore is the client wire's accounts: clients, products, their
// contracts, client users and client tokens (dateline.Clients). Reads are
// Fresh: a disabled client or a revoked product counts at once.
type clientStore struct{ db *DB }

const clientColumns = `id, name, active_from, active_until, seat_limit, disabled, feed_key, created_at`

func scanClient(r sqlutil.Scanner) (dateline.Client, error) {
	var c dateline.Client
	var from, until, created sqlutil.Time
	err := r.Scan(&c.ID, &c.Name, &from, &until, &c.SeatLimit, &c.Disabled, &c.FeedKey, &created)
	c.ActiveFrom, c.ActiveUntil, c.CreatedAt = from.T, until.T, created.T
	return c, err
}

const productColumns = `id, name, sections, langs, topics, persons, max_urgency, kinds, embargoed, created_at`

func scanProduct(r sqlutil.Scanner) (dateline.Product, error) {
	var p dateline.Product
	var sections, langs, topics, persons, kinds string
	var created sqlutil.Time
	err := r.Scan(&p.ID, &p.Name, &sections, &langs, &topics, &persons, &p.MaxUrgency, &kinds, &p.Embargoed, &created)
	p.Sections, p.Langs, p.Topics, p.Persons, p.Kinds = strings.Fields(sections), strings.Fields(langs),
		strings.Fields(topics), strings.Fields(persons), strings.Fields(kinds)
	p.CreatedAt = created.T
	return p, err
}

const clientUserColumns = `id, client_id, email, name, role, password_hash, failures, locked_until, disabled, created_at`

func scanClientUser(r sqlutil.Scanner) (dateline.ClientUser, error) {
	var u dateline.ClientUser
	var role string
	var locked, created sqlutil.Time
	err := r.Scan(&u.ID, &u.ClientID, &u.Email, &u.Name, &role, &u.PasswordHash, &u.Failures, &locked, &u.Disabled, &created)
	u.Role, u.LockedUntil, u.CreatedAt = dateline.ClientRole(role), locked.T, created.T
	return u, err
}

// newFeedKey is a fresh random key for a client's feed addresses.
func newFeedKey() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// CreateClient stores a new client with a fresh feed key. Returns EINVALID.
func (s clientStore) CreateClient(ctx context.Context, c *dateline.Client, now time.Time) (err error) {
	defer s.db.wrap(&err, "create client")
	if err := c.Validate(); err != nil {
		return err
	}
	if c.CreatedAt.IsZero() {
		c.CreatedAt = now
	}
	c.CreatedAt, c.ActiveFrom, c.ActiveUntil = sqlutil.TruncSecond(c.CreatedAt), sqlutil.TruncSecond(c.ActiveFrom), sqlutil.TruncSecond(c.ActiveUntil)
	c.FeedKey = newFeedKey()
	return s.db.Tx(ctx, func(tx Querier) error {
		return tx.QueryRow(ctx, `INSERT INTO clients (name, active_from, active_until, seat_limit, disabled, feed_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			c.Name, s.db.Time(c.ActiveFrom), s.db.Time(c.ActiveUntil), c.SeatLimit, c.Disabled, c.FeedKey, s.db.Time(c.CreatedAt)).Scan(&c.ID)
	})
}

// UpdateClient saves the name, dates, seat limit and disabled flag.
// Returns ENOTFOUND or EINVALID.
func (s clientStore) UpdateClient(ctx context.Context, c *dateline.Client) (err error) {
	defer s.db.wrap(&err, "update client")
	if err := c.Validate(); err != nil {
		return err
	}
	c.ActiveFrom, c.ActiveUntil = sqlutil.TruncSecond(c.ActiveFrom), sqlutil.TruncSecond(c.ActiveUntil)
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE clients SET name = ?, active_from = ?, active_until = ?, seat_limit = ?, disabled = ? WHERE id = ?`,
			c.Name, s.db.Time(c.ActiveFrom), s.db.Time(c.ActiveUntil), c.SeatLimit, c.Disabled, c.ID)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", c.ID)
		}
		return err
	})
}

// RotateFeedKey gives the client a new feed key, so that every feed
// address given out before stops working. Returns ENOTFOUND.
func (s clientStore) RotateFeedKey(ctx context.Context, clientID int64) (err error) {
	defer s.db.wrap(&err, "rotate feed key")
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE clients SET feed_key = ? WHERE id = ?`, newFeedKey(), clientID)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", clientID)
		}
		return err
	})
}

// Client returns the client with the id. Returns ENOTFOUND.
func (s clientStore) Client(ctx context.Context, id int64) (_ *dateline.Client, err error) {
	defer s.db.wrap(&err, "client")
	c, err := scanClient(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+clientColumns+` FROM clients WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No client %d.", id)
	}
	return &c, nil
}

// ClientList lists every client by name.
func (s clientStore) ClientList(ctx context.Context) (_ []dateline.Client, err error) {
	defer s.db.wrap(&err, "clients")
	return collect(ctx, s.db.Fresh(ctx), scanClient, `SELECT `+clientColumns+` FROM clients ORDER BY lower(name), id`)
}

// productArgs are the product's name and filter as the table keeps them.
func productArgs(p *dateline.Product) []any {
	return []any{p.Name, strings.Join(p.Sections, " "), strings.Join(p.Langs, " "), strings.Join(p.Topics, " "),
		strings.Join(p.Persons, " "), p.MaxUrgency, strings.Join(p.Kinds, " "), p.Embargoed}
}

// CreateProduct stores a product. Returns EINVALID, or ECONFLICT when its
// name (in any case) is taken.
func (s clientStore) CreateProduct(ctx context.Context, p *dateline.Product, now time.Time) (err error) {
	defer s.db.wrap(&err, "create product")
	if err := p.Validate(); err != nil {
		return err
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.CreatedAt = sqlutil.TruncSecond(p.CreatedAt)
	return s.db.Tx(ctx, func(tx Querier) error {
		err := tx.QueryRow(ctx, `INSERT INTO products (name, sections, langs, topics, persons, max_urgency, kinds, embargoed, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, append(productArgs(p), s.db.Time(p.CreatedAt))...).Scan(&p.ID)
		if s.db.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "There is a product named %q already.", p.Name)
		}
		return err
	})
}

// UpdateProduct saves a product's name and filter. Returns ENOTFOUND,
// EINVALID or ECONFLICT.
func (s clientStore) UpdateProduct(ctx context.Context, p *dateline.Product) (err error) {
	defer s.db.wrap(&err, "update product")
	if err := p.Validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE products SET name = ?, sections = ?, langs = ?, topics = ?, persons = ?, max_urgency = ?, kinds = ?, embargoed = ?
			WHERE id = ?`, append(productArgs(p), p.ID)...)
		if s.db.IsUnique(err) {
			return dateline.Errorf(dateline.ECONFLICT, "There is a product named %q already.", p.Name)
		} else if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "No product %d.", p.ID)
		}
		return err
	})
}

// Product returns the product with the id. Returns ENOTFOUND.
func (s clientStore) Product(ctx context.Context, id int64) (_ *dateline.Product, err error) {
	defer s.db.wrap(&err, "product")
	p, err := scanProduct(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+productColumns+` FROM products WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, "No product %d.", id)
	}
	return &p, nil
}

// ProductList lists every product by name.
func (s clientStore) ProductList(ctx context.Context) (_ []dateline.Product, err error) {
	defer s.db.wrap(&err, "products")
	return collect(ctx, s.db.Fresh(ctx), scanProduct, `SELECT `+productColumns+` FROM products ORDER BY lower(name), id`)
}

// SetClientProduct puts the product in the client's contract, or changes
// its dates. Returns ENOTFOUND for an unknown client or product, EINVALID
// for dates out of order.
func (s clientStore) SetClientProduct(ctx context.Context, cp dateline.ClientProduct) (err error) {
	defer s.db.wrap(&err, "set client product")
	if !cp.From.IsZero() && !cp.Until.IsZero() && !cp.Until.After(cp.From) {
		return dateline.Errorf(dateline.EINVALID, "A product's term in a contract must end after it starts.")
	}
	from, until := s.db.Time(sqlutil.TruncSecond(cp.From)), s.db.Time(sqlutil.TruncSecond(cp.Until))
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `UPDATE client_products SET active_from = ?, active_until = ? WHERE client_id = ? AND product_id = ?`,
			from, until, cp.ClientID, cp.ProductID)
		if err != nil || n > 0 {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO client_products (client_id, product_id, active_from, active_until) VALUES (?, ?, ?, ?)`,
			cp.ClientID, cp.ProductID, from, until)
		if s.db.IsForeignKey(err) {
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d or no product %d.", cp.ClientID, cp.ProductID)
		}
		return err
	})
}

// RemoveClientProduct takes the product out of the client's contract.
// Returns ENOTFOUND when it was not in it.
func (s clientStore) RemoveClientProduct(ctx context.Context, clientID, productID int64) (err error) {
	defer s.db.wrap(&err, "remove client product")
	return s.db.Tx(ctx, func(tx Querier) error {
		n, err := tx.Exec(ctx, `DELETE FROM client_products WHERE client_id = ? AND product_id = ?`, clientID, productID)
		if err == nil && n == 0 {
			return dateline.Errorf(dateline.ENOTFOUND, "Client %d does not take product %d.", clientID, productID)
		}
		return err
	})
}

// ClientProducts is the client's contract, by product id.
func (s clientStore) ClientProducts(ctx context.Context, clientID int64) (_ []dateline.ClientProduct, err error) {
	defer s.db.wrap(&err, "client products")
	return collect(ctx, s.db.Fresh(ctx), func(r sqlutil.Scanner) (dateline.ClientProduct, error) {
		var cp dateline.ClientProduct
		var from, until sqlutil.Time
		err := r.Scan(&cp.ClientID, &cp.ProductID, &from, &until)
		cp.From, cp.Until = from.T, until.T
		return cp, err
	}, `SELECT client_id, product_id, active_from, active_until FROM client_products WHERE client_id = ? ORDER BY product_id`, clientID)
}

// Entitlement is the client's entitlement at now (dateline.EntitlementAt).
// Returns ENOTFOUND for an unknown client.
func (s clientStore) Entitlement(ctx context.Context, clientID int64, now time.Time) (_ dateline.Entitlement, err error) {
	defer s.db.wrap(&err, "entitlement")
	c, err := s.Client(ctx, clientID)
	if err != nil {
		return dateline.Entitlement{}, err
	}
	contract, err := s.ClientProducts(ctx, clientID)
	if err != nil {
		return dateline.Entitlement{}, err
	}
	products, err := collect(ctx, s.db.Fresh(ctx), scanProduct, `SELECT `+productColumns+` FROM products
		WHERE id IN (SELECT product_id FROM client_products WHERE client_id = ?) ORDER BY id`, clientID)
	if err != nil {
		return dateline.Entitlement{}, err
	}
	return dateline.EntitlementAt(c, contract, products, now), nil
}

// takeSeat checks, inside tx, that the client has a free seat for one
// more enabled user. The UPDATE locks the client's row (PostgreSQL), so
// two additions at once cannot both take the last seat. Returns ENOTFOUND
// or EFORBIDDEN.
func (s clientStore) takeSeat(ctx context.Context, tx Querier, clientID, except int64) error {
	var limit int
	err := tx.QueryRow(ctx, `UPDATE clients SET seat_limit = seat_limit WHERE id = ? RETURNING seat_limit`, clientID).Scan(&limit)
	if err != nil {
		return notFound(err, "No client %d.", clientID)
	}
	var used int
	if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM client_users WHERE client_id = ? AND NOT disabled AND id <> ?`, clientID, except).Scan(&used); err != nil {
		return err
	}
	if used >= limit {
		return dateline.Errorf(dateline.EFORBIDDEN, "Every seat of this client is taken (%d of %d); raise the seat limit or disable someone first.", used, limit)
	}
	return nil
}

// CreateClientUser stores a client user within the client's seat limit
// (a disabled user takes no seat). Returns EINVALID, ENOTFOUND, ECONFLICT
// for an email that has an account, EFORBIDDEN when every seat is taken.
func (s clientStore) CreateClientUser(ctx context.Context, u *dateline.ClientUser, now time.Time) (err error) {
	defer s.db.wrap(&err, "create client user")
	if err := u.Validate(); err != nil {
		return err
	}
	if u.CreatedAt.IsZero() {
		u.CreatedAt = now
	}
	u.CreatedAt, u.LockedUntil = sqlutil.TruncSecond(u.CreatedAt), sqlutil.TruncSecond(u.LockedUntil)
	return s.db.Tx(ctx, func(tx Querier) error {
		if !u.Disabled {
			if err := s.takeSeat(ctx, tx, u.ClientID, 0); err != nil {
				return err
			}
		}
		err := tx.QueryRow(ctx, `INSERT INTO client_users (client_id, email, name, role, password_hash, failures, locked_until, disabled, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			u.ClientID, u.Email, u.Name, string(u.Role), u.PasswordHash, u.Failures, s.db.Time(u.LockedUntil), u.Disabled, s.db.Time(u.CreatedAt)).Scan(&u.ID)
		switch {
		case s.db.IsUnique(err):
			return dateline.Errorf(dateline.ECONFLICT, "A client user with this email exists.")
		case s.db.IsForeignKey(err):
			return dateline.Errorf(dateline.ENOTFOUND, "No client %d.", u.ClientID)
		}
		return err
	})
}

// ClientUsers lists the client's users in the order they were made.
func (s clientStore) ClientUsers(ctx context.Context, clientID int64) (_ []dateline.ClientUser, err error) {
	defer s.db.wrap(&err, "client users")
	return collect(ctx, s.db.Fresh(ctx), scanClientUser, `SELECT `+clientUserColumns+` FROM client_users WHERE client_id = ? ORDER BY id`, clientID)
}

// ClientUserByEmail returns the client user with the email, ignoring
// case. Returns ENOTFOUND.
func (s clientStore) ClientUserByEmail(ctx context.Context, email string) (_ *dateline.ClientUser, err error) {
	defer s.db.wrap(&err, "client user by email")
	u, err := scanClientUser(s.db.Fresh(ctx).QueryRow(ctx, `SELECT `+clientUserColumns+` FROM client_users WHERE lower(email) = lower(?)`, strings.TrimSpace(email)))
	if err != nil {
		return nil, notFound(err, "No client user has the email %q.", email)
	}
	return &u, nil
}

// UpdateClientUser saves the name, role and disabled flag; enabling a
// user takes a seat. Returns ENOTFOUND, EINVALID or EFORBIDDEN.
func (s clientStore) UpdateClientUser(ctx context.Context, u *dateline.ClientUser) (err error) {
	defer s.db.wrap(&err, "update client user")
	if err := u.Validate(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx Querier) error {
		var clientID int64
		if err := tx.QueryRow(ctx, `SELECT client_id FROM client_users WHERE id = ?`, u.ID).Scan(&clientID); err != nil {
			return notFound(err, "No client user %d.", u.ID)
		}
		if !u.Disabled {
			if err := s.takeSeat(ctx, tx, clientID, u.ID); err != nil {
				return err
			}
		}
		u.ClientID = clientID
		_, err := tx.Exec(ctx, `UPDATE client_users SET name = ?, role = ?, disabled = ? WHERE id = ?`, u.Name, string(u.Role), u.Disabled, u.ID)
		return err
	})
}

// ClientTokens lists the client's API tokens, newest first.
func (s clientStore) ClientTokens(ctx context.Context, clientID int64) (_ []dateline.Token, err error) {
	defer s.db.wrap(&err, "client tokens")
	return collect(ctx, s.db.Fresh(ctx), scanToken, `SELECT `+tokenColumns+` FROM tokens WHERE client_id = ? ORDER BY created_at DESC, id DESC`, clientID)
}
