package dateline

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The client wire: the agency's customers (clients), what they buy
// (products: saved filters over the wire) and their people. One pure
// function decides what a client may have: Product.Covers, and for a
// client at a time its Entitlement. Every client-facing output (the read
// API, feeds, the stream; later the portal, push and alerts) asks it.

// Kinds of item a product may take.
const (
	KindText        = "text"        // every article
	KindPhoto       = "photo"       // an article with a photo
	KindGallery     = "gallery"     // a gallery (its own row, not an article)
	KindInfographic = "infographic" // an infographic (its own row)
)

// ItemKinds are the kinds a product may name, in the order forms show them.
var ItemKinds = []string{KindText, KindPhoto, KindGallery, KindInfographic}

// Client is a customer company. It reads the wire through its products
// while it is active: not disabled, from ActiveFrom (zero: always) until
// ActiveUntil (zero: open-ended).
type Client struct {
	ID          int64
	Name        string
	ActiveFrom  time.Time
	ActiveUntil time.Time
	SeatLimit   int // client users it may have; 0 means none may be added
	Disabled    bool
	CreatedAt   time.Time
	// FeedKey signs the client's feed addresses (FeedSignature); a new key
	// revokes every address given out before.
	FeedKey []byte
}

// Validate checks the name, dates and seat limit. Returns EINVALID.
func (c *Client) Validate() error {
	c.Name = strings.TrimSpace(c.Name)
	if !oneLine(c.Name, 200) {
		return Errorf(EINVALID, "A client needs a name of 1 to 200 characters on one line.")
	}
	if !c.ActiveFrom.IsZero() && !c.ActiveUntil.IsZero() && !c.ActiveUntil.After(c.ActiveFrom) {
		return Errorf(EINVALID, "A client's contract must end after it starts.")
	}
	if c.SeatLimit < 0 || c.SeatLimit > 100000 {
		return Errorf(EINVALID, "A seat limit is a whole number from 0 to 100000.")
	}
	return nil
}

// ActiveAt reports whether the client may read at t.
func (c *Client) ActiveAt(t time.Time) bool {
	return !c.Disabled && within(t, c.ActiveFrom, c.ActiveUntil)
}

// within reports whether t is in [from, until), a zero bound being open.
func within(t, from, until time.Time) bool {
	return (from.IsZero() || !t.Before(from)) && (until.IsZero() || t.Before(until))
}

// Product is a saved filter over the wire. Dimensions are ANDed; the
// values of one dimension are ORed; an empty dimension means any.
//
// Kinds: "text" takes every article, "photo" only articles with a photo;
// "gallery" and "infographic" take those rows (CoversCollection), which
// carry a section (and so an edition) but no topics, persons or urgency:
// a product that names topics or persons takes no collections, and
// MaxUrgency does not apply to them.
type Product struct {
	ID         int64
	Name       string
	Sections   []string // section slugs
	Langs      []string // editions: "en", "ru"
	Topics     []string // topic slugs
	Persons    []string // person slugs
	MaxUrgency int      // 1 (flash only) .. 9; 0 means any
	Kinds      []string // ItemKinds; empty means every kind
	// Embargoed products also carry embargoed copy before its release,
	// marked with its release time.
	Embargoed bool
	CreatedAt time.Time
}

// Validate checks the name and filter, cleaning the lists (trimmed,
// sorted, without repeats). It does not check that the slugs exist.
// Returns EINVALID.
func (p *Product) Validate() error {
	p.Name = strings.TrimSpace(p.Name)
	if !oneLine(p.Name, 200) {
		return Errorf(EINVALID, "A product needs a name of 1 to 200 characters on one line.")
	}
	for _, l := range []struct {
		list *[]string
		what string
	}{{&p.Sections, "section"}, {&p.Topics, "topic"}, {&p.Persons, "person"}} {
		clean, err := cleanSlugs(*l.list, l.what)
		if err != nil {
			return err
		}
		*l.list = clean
	}
	langs, _ := cleanSlugs(p.Langs, "edition")
	for _, l := range langs {
		if !Editions[l] {
			return Errorf(EINVALID, "An edition is en or ru, not %q.", truncateText(l, 20))
		}
	}
	p.Langs = langs
	kinds, _ := cleanSlugs(p.Kinds, "kind")
	for _, k := range kinds {
		if !slices.Contains(ItemKinds, k) {
			return Errorf(EINVALID, "A kind is text, photo, gallery or infographic, not %q.", truncateText(k, 20))
		}
	}
	p.Kinds = kinds
	if p.MaxUrgency < 0 || p.MaxUrgency > 9 {
		return Errorf(EINVALID, "The most urgent level a product takes is 1 (flash) to 9, or 0 for any.")
	}
	return nil
}

// cleanSlugs trims, sorts and dedupes a list of slugs; each must look like
// one. Returns EINVALID.
func cleanSlugs(list []string, what string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			continue
		}
		if len(s) > 200 || Slugify(s) != s {
			return nil, Errorf(EINVALID, "A %s is named by its slug (lower-case letters, digits and hyphens), not %q.", what, truncateText(s, 40))
		}
		out = append(out, s)
	}
	slices.Sort(out)
	out = slices.Compact(out)
	if len(out) > 100 {
		return nil, Errorf(EINVALID, "A product names at most 100 of each %s.", what)
	}
	return out, nil
}

// effectiveUrgency is the article's urgency for a product's limit: one
// without an urgency counts as the least urgent, so that a product of
// urgent news never takes it.
func effectiveUrgency(u int) int {
	if u < 1 || u > 9 {
		return 9
	}
	return u
}

// Covers reports whether the product takes the article, whatever its
// status: the filter only (Entitlement adds the status and the embargo).
func (p *Product) Covers(a *Article) bool {
	if len(p.Sections) > 0 && !slices.Contains(p.Sections, a.Section) {
		return false
	}
	if len(p.Langs) > 0 && !slices.Contains(p.Langs, articleLang(a)) {
		return false
	}
	if p.MaxUrgency > 0 && effectiveUrgency(a.Urgency) > p.MaxUrgency {
		return false
	}
	if len(p.Kinds) > 0 && !slices.Contains(p.Kinds, KindText) && !(a.Photo != nil && slices.Contains(p.Kinds, KindPhoto)) {
		return false
	}
	if len(p.Topics) > 0 && !slices.ContainsFunc(a.Topics, func(t Topic) bool { return slices.Contains(p.Topics, t.Slug) }) {
		return false
	}
	if len(p.Persons) > 0 && !slices.ContainsFunc(a.Persons, func(t Person) bool { return slices.Contains(p.Persons, t.Slug) }) {
		return false
	}
	return true
}

// Describe says in a few words what the product takes.
func (p *Product) Describe() string {
	var parts []string
	for _, d := range []struct {
		what string
		list []string
	}{{"sections", p.Sections}, {"editions", p.Langs}, {"topics", p.Topics}, {"persons", p.Persons}, {"kinds", p.Kinds}} {
		if len(d.list) > 0 {
			parts = append(parts, d.what+" "+strings.Join(d.list, ", "))
		}
	}
	if p.MaxUrgency > 0 {
		parts = append(parts, "urgency 1-"+strconv.Itoa(p.MaxUrgency))
	}
	if p.Embargoed {
		parts = append(parts, "with embargoed copy")
	}
	if len(parts) == 0 {
		return "the whole wire"
	}
	return strings.Join(parts, "; ")
}

// CoversCollection reports whether the product takes a gallery or an
// infographic (kind KindGallery or KindInfographic) of the section, in the
// edition lang.
func (p *Product) CoversCollection(kind, section, lang string) bool {
	if len(p.Kinds) > 0 && !slices.Contains(p.Kinds, kind) {
		return false
	}
	if kind != KindGallery && kind != KindInfographic {
		return false
	}
	if lang == "" {
		lang = LangMain
	}
	return (len(p.Sections) == 0 || slices.Contains(p.Sections, section)) &&
		(len(p.Langs) == 0 || slices.Contains(p.Langs, lang)) &&
		len(p.Topics) == 0 && len(p.Persons) == 0
}

// articleLang is the article's edition ("" is the main one).
func articleLang(a *Article) string {
	if a.Lang == "" {
		return LangMain
	}
	return a.Lang
}

// ClientProduct is a product in a client's contract, from From until
// Until (zero: open).
type ClientProduct struct {
	ClientID  int64
	ProductID int64
	From      time.Time
	Until     time.Time
}

// Entitlement is what a client may read at one time: its products then
// in force. The zero Entitlement covers nothing.
type Entitlement struct {
	ClientID int64
	Products []Product
}

// EntitlementAt is the client's entitlement at t: none when the client is
// not active then, else the contract's products in force at t.
func EntitlementAt(c *Client, contract []ClientProduct, products []Product, t time.Time) Entitlement {
	e := Entitlement{ClientID: c.ID}
	if !c.ActiveAt(t) {
		return e
	}
	for _, cp := range contract {
		if cp.ClientID != c.ID || !within(t, cp.From, cp.Until) {
			continue
		}
		for _, p := range products {
			if p.ID == cp.ProductID {
				e.Products = append(e.Products, p)
			}
		}
	}
	return e
}

// Product returns the entitlement's product with the id, or nil.
func (e *Entitlement) Product(id int64) *Product {
	for i := range e.Products {
		if e.Products[i].ID == id {
			return &e.Products[i]
		}
	}
	return nil
}

// Covers reports whether one of the products takes the article. Status is
// the caller's business: lists carry only published stories, and a story
// withdrawn after publication is told as withdrawn to whom it covers.
func (e *Entitlement) Covers(a *Article) bool {
	for i := range e.Products {
		if e.Products[i].Covers(a) {
			return true
		}
	}
	return false
}

// CoversEmbargoed reports whether one of the products with embargoed copy
// takes the article.
func (e *Entitlement) CoversEmbargoed(a *Article) bool {
	for i := range e.Products {
		if e.Products[i].Embargoed && e.Products[i].Covers(a) {
			return true
		}
	}
	return false
}

// Shows reports whether the client may open the story: a published one
// its products cover, one withdrawn or withheld after publication told as
// such to whom it covers (a kill reaches every client that received the
// story), and before its release only through a product with embargoed
// copy. Every client-facing item view (the API's, the portal's) asks it.
func (e *Entitlement) Shows(a *Article) bool {
	switch a.Status {
	case StatusPublished:
		return e.Covers(a)
	case StatusWithdrawn, StatusWithheld:
		if a.WasPublic() {
			return e.Covers(a)
		}
		return e.CoversEmbargoed(a)
	case StatusScheduled:
		return a.Embargoed && e.CoversEmbargoed(a)
	}
	return false
}

// ProductOf is the product a use of the story counts for: the first of
// the entitlement that carries it (embargoed copy only through a product
// that carries it); 0 when none does.
func (e *Entitlement) ProductOf(a *Article) int64 {
	for i := range e.Products {
		p := &e.Products[i]
		if p.Covers(a) && (a.Status != StatusScheduled || p.Embargoed) {
			return p.ID
		}
	}
	return 0
}

// Embargoed reports whether any product carries embargoed copy.
func (e *Entitlement) Embargoed() bool {
	return slices.ContainsFunc(e.Products, func(p Product) bool { return p.Embargoed })
}

// ClientRole is what a client user may do in the portal.
type ClientRole string

const (
	ClientAdmin  ClientRole = "client-admin" // invites and removes colleagues
	ClientMember ClientRole = "member"
)

// ClientUser is a person of a client, who signs in at the portal. The
// password hash is argon2id, as staff accounts'.
type ClientUser struct {
	ID           int64
	ClientID     int64
	Email        string
	Name         string
	Role         ClientRole
	PasswordHash string
	Failures     int
	LockedUntil  time.Time
	Disabled     bool
	CreatedAt    time.Time
}

// Validate checks the email, name and role. Returns EINVALID.
func (u *ClientUser) Validate() error {
	if err := validPerson(&u.Email, &u.Name); err != nil {
		return err
	}
	if u.Role == "" {
		u.Role = ClientMember
	}
	if u.Role != ClientAdmin && u.Role != ClientMember {
		return Errorf(EINVALID, "A client user's role is client-admin or member, not %q.", truncateText(string(u.Role), 40))
	}
	return nil
}

// oneLine reports whether s is 1 to n characters of valid text on one line.
func oneLine(s string, n int) bool {
	return s != "" && utf8.ValidString(s) && utf8.RuneCountInString(s) <= n && !strings.ContainsAny(s, "\x00\r\n")
}

// Clients is the storage of clients, products, contracts and client users.
// Every engine implements it; storetest checks it.
type Clients interface {
	// CreateClient stores a new client with a fresh feed key. Returns
	// EINVALID.
	CreateClient(ctx context.Context, c *Client, now time.Time) error
	// UpdateClient saves the name, dates, seat limit and disabled flag.
	// Returns ENOTFOUND or EINVALID.
	UpdateClient(ctx context.Context, c *Client) error
	// RotateFeedKey gives the client a new feed key. Returns ENOTFOUND.
	RotateFeedKey(ctx context.Context, clientID int64) error
	// Client returns ENOTFOUND when there is no client with the id.
	Client(ctx context.Context, id int64) (*Client, error)
	// ClientList lists every client by name.
	ClientList(ctx context.Context) ([]Client, error)
	// CreateProduct stores a product. Returns EINVALID, or ECONFLICT when
	// its name is taken.
	CreateProduct(ctx context.Context, p *Product, now time.Time) error
	// UpdateProduct saves a product's name and filter. Returns ENOTFOUND,
	// EINVALID or ECONFLICT.
	UpdateProduct(ctx context.Context, p *Product) error
	// Product returns ENOTFOUND when there is no product with the id.
	Product(ctx context.Context, id int64) (*Product, error)
	// ProductList lists every product by name.
	ProductList(ctx context.Context) ([]Product, error)
	// SetClientProduct puts the product in the client's contract (or
	// changes its dates). Returns ENOTFOUND or EINVALID.
	SetClientProduct(ctx context.Context, cp ClientProduct) error
	// RemoveClientProduct takes the product out of the contract. Returns
	// ENOTFOUND when it was not in it.
	RemoveClientProduct(ctx context.Context, clientID, productID int64) error
	// ClientProducts is the client's contract.
	ClientProducts(ctx context.Context, clientID int64) ([]ClientProduct, error)
	// Entitlement is the client's entitlement at now. Returns ENOTFOUND
	// for an unknown client.
	Entitlement(ctx context.Context, clientID int64, now time.Time) (Entitlement, error)
	// CreateClientUser stores a client user within the client's seat
	// limit. Returns EINVALID, ENOTFOUND for an unknown client, ECONFLICT
	// when the email has an account, and EFORBIDDEN when every seat is
	// taken.
	CreateClientUser(ctx context.Context, u *ClientUser, now time.Time) error
	// ClientUsers lists the client's users in the order they were made.
	ClientUsers(ctx context.Context, clientID int64) ([]ClientUser, error)
	// ClientUserByEmail returns ENOTFOUND when no client user has the
	// email (in any case).
	ClientUserByEmail(ctx context.Context, email string) (*ClientUser, error)
	// UpdateClientUser saves the name, role and disabled flag. Returns
	// ENOTFOUND or EINVALID.
	UpdateClientUser(ctx context.Context, u *ClientUser) error
	// ClientTokens lists the client's API tokens, newest first.
	ClientTokens(ctx context.Context, clientID int64) ([]Token, error)
}

// FeedSignature is the signature of a client's feed address: HMAC-SHA256
// of the path with the client's feed key, as 32 hex digits.
func FeedSignature(key []byte, path string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(path))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// FeedPath is the path of the RSS feed of a client's product; its address
// is the path with "?sig=" and FeedSignature.
func FeedPath(clientID, productID int64) string {
	return "/wire/feeds/" + strconv.FormatInt(clientID, 10) + "/" + strconv.FormatInt(productID, 10) + ".rss"
}

// FeedAddress is the signed path of the feed of a client's product.
func FeedAddress(c *Client, productID int64) string {
	p := FeedPath(c.ID, productID)
	return p + "?sig=" + FeedSignature(c.FeedKey, p)
}
