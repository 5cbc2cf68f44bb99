package clientadmin

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/auth"
	"dateline/http/portal"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/ingest"
)

// clientsAdmin is the admins' pages of the client wire: clients, their
// contracts, people, tokens and feed addresses, and the products.
type clientsAdmin struct {
	*Kit
	store    clientsStore
	baseURL  string
	siteName string
	mailOn   bool // email is set up: invitations are emailed too
}

// clientsStore is what the client pages need of the store.
type clientsStore interface {
	dateline.Clients
	CreateToken(ctx context.Context, t *dateline.Token, now time.Time) error
	DeleteToken(ctx context.Context, id int64) error
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
	Person(ctx context.Context, slug string) (*dateline.Person, error)
	CreateInvitation(ctx context.Context, inv *dateline.Invitation, now time.Time) error
	SetClientPassword(ctx context.Context, userID int64, hash string) error
	portal.MailStore
	usageStore
}

type clientsPage struct {
	Clients  []clientRow
	Products []dateline.Product
	Form     clientFormView
}

// clientFormView is a client as its form shows it: dates as days.
type clientFormView struct {
	dateline.Client
	From, Until string
}

func clientView(c dateline.Client) clientFormView {
	return clientFormView{Client: c, From: dayValue(c.ActiveFrom), Until: dayValue(c.ActiveUntil)}
}

// dayValue is a date field's value: YYYY-MM-DD, or "" for none.
func dayValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

type clientRow struct {
	dateline.Client
	Products int
	Active   bool
}

// refuse answers a refused write: the page again with the refusal's
// words and its status, or the error page for an internal error.
func (s *clientsAdmin) refuse(w http.ResponseWriter, r *http.Request, err error, again func(code int, msg string)) error {
	if dateline.ErrorCode(err) == dateline.EINTERNAL {
		return err
	}
	again(web.Status(dateline.ErrorCode(err)), dateline.ErrorMessage(err))
	return nil
}

func (s *clientsAdmin) handleClients(w http.ResponseWriter, r *http.Request) error {
	return s.renderClients(w, r, http.StatusOK, "", dateline.Client{SeatLimit: 5})
}

func (s *clientsAdmin) renderClients(w http.ResponseWriter, r *http.Request, code int, msg string, form dateline.Client) error {
	ctx := r.Context()
	cs, err := s.store.ClientList(ctx)
	if err != nil {
		return err
	}
	ps, err := s.store.ProductList(ctx)
	if err != nil {
		return err
	}
	page := clientsPage{Products: ps, Form: clientView(form)}
	for _, c := range cs {
		cps, err := s.store.ClientProducts(ctx, c.ID)
		if err != nil {
			return err
		}
		page.Clients = append(page.Clients, clientRow{Client: c, Products: len(cps), Active: c.ActiveAt(s.now())})
	}
	s.Render(w, r, code, "clients", &View{Title: "Clients", Nav: "clients", Flash: msg, Data: page})
	return nil
}

// clientForm reads a client's fields from the form. Dates are days, UTC.
func clientForm(r *http.Request, c *dateline.Client) error {
	c.Name = ingest.PlainText(r.PostFormValue("name"))
	seats, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("seats")))
	if err != nil {
		return dateline.Errorf(dateline.EINVALID, "Seats is a whole number, such as 5.")
	}
	c.SeatLimit, c.Disabled = seats, r.PostFormValue("disabled") != ""
	if c.ActiveFrom, err = formDay(r, "from", "The contract's start"); err != nil {
		return err
	}
	c.ActiveUntil, err = formDay(r, "until", "The contract's end")
	return err
}

// formDay reads a date field (YYYY-MM-DD, UTC midnight); empty is zero.
func formDay(r *http.Request, field, what string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, dateline.Errorf(dateline.EINVALID, "%s is a date such as 2027-01-31.", what)
	}
	return t, nil
}

func (s *clientsAdmin) handleCreateClient(w http.ResponseWriter, r *http.Request) error {
	var c dateline.Client
	err := clientForm(r, &c)
	if err == nil {
		err = s.store.CreateClient(r.Context(), &c, s.now())
	}
	if err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderClients(w, r, code, msg, c) })
	}
	s.audit(r.Context(), s.User(r), "client.create", "client "+strconv.FormatInt(c.ID, 10), c.Name)
	http.Redirect(w, r, "/newsroom/clients/"+strconv.FormatInt(c.ID, 10)+"?done=created", http.StatusSeeOther)
	return nil
}

type clientPage struct {
	Client   clientFormView
	Contract []contractRow
	Others   []dateline.Product // products it does not take
	Users    []dateline.ClientUser
	Tokens   []dateline.Token
	Feeds    []feedRow
	Roles    []dateline.ClientRole
}

type contractRow struct {
	Product     dateline.Product
	From, Until string
	InForce     bool
	Describe    string
}

type feedRow struct{ Name, URL string }

func (s *clientsAdmin) handleClient(w http.ResponseWriter, r *http.Request) error {
	return s.renderClient(w, r, http.StatusOK, "", nil)
}

// renderClient shows a client's page with a message; form, when not
// nil, is the client's form as sent.
func (s *clientsAdmin) renderClient(w http.ResponseWriter, r *http.Request, code int, msg string, form *dateline.Client) error {
	ctx := r.Context()
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := s.store.Client(ctx, id)
	if err != nil {
		return err
	}
	page := clientPage{Client: clientView(*c), Roles: []dateline.ClientRole{dateline.ClientMember, dateline.ClientAdmin}}
	if form != nil {
		page.Client = clientView(*form)
	}
	cps, err := s.store.ClientProducts(ctx, id)
	if err != nil {
		return err
	}
	ps, err := s.store.ProductList(ctx)
	if err != nil {
		return err
	}
	e, err := s.store.Entitlement(ctx, id, s.now())
	if err != nil {
		return err
	}
	for _, p := range ps {
		taken := false
		for _, cp := range cps {
			if cp.ProductID == p.ID {
				page.Contract = append(page.Contract, contractRow{Product: p, From: dayValue(cp.From), Until: dayValue(cp.Until), InForce: e.Product(p.ID) != nil, Describe: p.Describe()})
				taken = true
			}
		}
		if !taken {
			page.Others = append(page.Others, p)
		}
	}
	for _, p := range e.Products {
		page.Feeds = append(page.Feeds, feedRow{Name: p.Name, URL: s.baseURL + dateline.FeedAddress(c, p.ID)})
	}
	if page.Users, err = s.store.ClientUsers(ctx, id); err != nil {
		return err
	}
	if page.Tokens, err = s.store.ClientTokens(ctx, id); err != nil {
		return err
	}
	s.Render(w, r, code, "client", &View{Title: c.Name, Nav: "clients", Flash: msg, Data: page})
	return nil
}

// clientAction runs a write on the client of the path and answers with
// its page: a redirect with done when it succeeded, the page with the
// refusal when not.
func (s *clientsAdmin) clientAction(w http.ResponseWriter, r *http.Request, done string, fn func(id int64) error) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := fn(id); err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderClient(w, r, code, msg, nil) })
	}
	http.Redirect(w, r, "/newsroom/clients/"+strconv.FormatInt(id, 10)+"?done="+done, http.StatusSeeOther)
	return nil
}

func (s *clientsAdmin) handleSaveClient(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c := dateline.Client{ID: id}
	err = clientForm(r, &c)
	if err == nil {
		err = s.store.UpdateClient(r.Context(), &c)
	}
	if err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderClient(w, r, code, msg, &c) })
	}
	s.audit(r.Context(), s.User(r), "client.save", "client "+strconv.FormatInt(id, 10), c.Name)
	http.Redirect(w, r, "/newsroom/clients/"+strconv.FormatInt(id, 10)+"?done=saved", http.StatusSeeOther)
	return nil
}

func (s *clientsAdmin) handleTakeProduct(w http.ResponseWriter, r *http.Request) error {
	return s.clientAction(w, r, "saved", func(id int64) error {
		pid, err := strconv.ParseInt(r.PostFormValue("product"), 10, 64)
		if err != nil {
			return dateline.Errorf(dateline.EINVALID, "Choose a product from the list.")
		}
		cp := dateline.ClientProduct{ClientID: id, ProductID: pid}
		if cp.From, err = formDay(r, "from", "The product's start"); err != nil {
			return err
		}
		if cp.Until, err = formDay(r, "until", "The product's end"); err != nil {
			return err
		}
		if err := s.store.SetClientProduct(r.Context(), cp); err != nil {
			return err
		}
		s.audit(r.Context(), s.User(r), "client.product", "client "+strconv.FormatInt(id, 10), "takes product "+strconv.FormatInt(pid, 10))
		return nil
	})
}

func (s *clientsAdmin) handleDropProduct(w http.ResponseWriter, r *http.Request) error {
	return s.clientAction(w, r, "deleted", func(id int64) error {
		pid, err := pathID(r, "pid")
		if err != nil {
			return err
		}
		if err := s.store.RemoveClientProduct(r.Context(), id, pid); err != nil {
			return err
		}
		s.audit(r.Context(), s.User(r), "client.product", "client "+strconv.FormatInt(id, 10), "drops product "+strconv.FormatInt(pid, 10))
		return nil
	})
}

// handleAddClientUser adds a person to the client with an initial
// password, shown once to the admin (invitations by email come with SMTP).
func (s *clientsAdmin) handleAddClientUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	password := auth.Token()[:20]
	u := &dateline.ClientUser{ClientID: id, Email: r.PostFormValue("email"), Name: ingest.PlainText(r.PostFormValue("name")),
		Role: dateline.ClientRole(r.PostFormValue("role")), PasswordHash: auth.Hash(password)}
	if err := s.store.CreateClientUser(r.Context(), u, s.now()); err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderClient(w, r, code, msg, nil) })
	}
	s.audit(r.Context(), s.User(r), "client.user", "client "+strconv.FormatInt(id, 10), "adds "+u.Email+" ("+string(u.Role)+")")
	s.Render(w, r, http.StatusCreated, "message", &View{Title: "Person added", Nav: "clients",
		Data: Message{Heading: "Person added", Message: u.Name + " <" + u.Email + "> may sign in at the portal with this initial password; give it to them safely.",
			Secret: password, Back: "/newsroom/clients/" + strconv.FormatInt(id, 10)}})
	return nil
}

func (s *clientsAdmin) handleSaveClientUser(w http.ResponseWriter, r *http.Request) error {
	return s.clientAction(w, r, "saved", func(id int64) error {
		uid, err := pathID(r, "uid")
		if err != nil {
			return err
		}
		us, err := s.store.ClientUsers(r.Context(), id)
		if err != nil {
			return err
		}
		for _, u := range us {
			if u.ID == uid {
				u.Name, u.Role, u.Disabled = ingest.PlainText(r.PostFormValue("name")), dateline.ClientRole(r.PostFormValue("role")), r.PostFormValue("disabled") != ""
				if err := s.store.UpdateClientUser(r.Context(), &u); err != nil {
					return err
				}
				s.audit(r.Context(), s.User(r), "client.user", "client "+strconv.FormatInt(id, 10), "saves "+u.Email)
				return nil
			}
		}
		return dateline.Errorf(dateline.ENOTFOUND, "This client has no person %d.", uid)
	})
}

// handleInviteClientUser makes a one-time link with which one of the
// client's people sets their password at the portal, shown once to the
// admin with the invitation's words, and emailed when email is set up.
func (s *clientsAdmin) handleInviteClientUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	u, err := s.clientUser(r.Context(), id, uid)
	if err != nil {
		return err
	}
	letter, err := portal.Invite(r.Context(), s.store, s.baseURL, s.siteName, u, i18n.EN, s.now())
	if err != nil {
		return err
	}
	msg, err := portal.InvitationSent(r.Context(), s.store, letter, s.mailOn, s.now())
	if err != nil {
		return err
	}
	s.audit(r.Context(), s.User(r), "client.invite", "client "+strconv.FormatInt(id, 10), "invites "+u.Email)
	s.Render(w, r, http.StatusCreated, "message", &View{Title: "Invitation made", Nav: "clients",
		Data: Message{Heading: "Invitation made", Message: msg + " Any earlier link of theirs stops working.",
			Secret: letter.Link, Back: "/newsroom/clients/" + strconv.FormatInt(id, 10)}})
	return nil
}

// clientUser is the client's person uid; ENOTFOUND when the client has
// no such person.
func (s *clientsAdmin) clientUser(ctx context.Context, clientID, uid int64) (*dateline.ClientUser, error) {
	us, err := s.store.ClientUsers(ctx, clientID)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(us, func(u dateline.ClientUser) bool { return u.ID == uid })
	if i < 0 {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "This client has no person %d.", uid)
	}
	return &us[i], nil
}

// handleClientPassword gives one of the client's people a new random
// password, shown once: it lifts a lock and ends their sessions.
func (s *clientsAdmin) handleClientPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	uid, err := pathID(r, "uid")
	if err != nil {
		return err
	}
	u, err := s.clientUser(r.Context(), id, uid)
	if err != nil {
		return err
	}
	password := auth.Token()[:20]
	if err := s.store.SetClientPassword(r.Context(), u.ID, auth.Hash(password)); err != nil {
		return err
	}
	s.audit(r.Context(), s.User(r), "client.password", "client "+strconv.FormatInt(id, 10), "new password for "+u.Email)
	s.Render(w, r, http.StatusCreated, "message", &View{Title: "New password", Nav: "clients",
		Data: Message{Heading: "New password", Message: u.Name + " <" + u.Email + "> may sign in at the portal with this password; give it to them safely. Their lock, if any, is lifted and their sessions ended.",
			Secret: password, Back: "/newsroom/clients/" + strconv.FormatInt(id, 10)}})
	return nil
}

func (s *clientsAdmin) handleCreateClientToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	name := ingest.PlainText(r.PostFormValue("name"))
	secret := "dl_" + auth.Token()
	t := &dateline.Token{Name: name, Scope: "read", ClientID: id, Hash: auth.Sum(secret), CreatedAt: s.now()}
	if name == "" || len(name) > 100 {
		err = dateline.Errorf(dateline.EINVALID, "Name the token after who uses it, in at most 100 characters.")
	} else {
		err = s.store.CreateToken(r.Context(), t, time.Now())
	}
	if err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderClient(w, r, code, msg, nil) })
	}
	s.audit(r.Context(), s.User(r), "client.token", "client "+strconv.FormatInt(id, 10), "token "+strconv.FormatInt(t.ID, 10)+" "+name)
	s.Render(w, r, http.StatusCreated, "message", &View{Title: "Token created", Nav: "clients",
		Data: Message{Heading: "Token created", Message: "The token “" + name + "” reads what the client's products cover. Send it as “Authorization: Bearer TOKEN”.",
			Secret: secret, Back: "/newsroom/clients/" + strconv.FormatInt(id, 10)}})
	return nil
}

func (s *clientsAdmin) handleDeleteClientToken(w http.ResponseWriter, r *http.Request) error {
	return s.clientAction(w, r, "deleted", func(id int64) error {
		tid, err := pathID(r, "tid")
		if err != nil {
			return err
		}
		ts, err := s.store.ClientTokens(r.Context(), id)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.ID == tid {
				if err := s.store.DeleteToken(r.Context(), tid); err != nil {
					return err
				}
				s.audit(r.Context(), s.User(r), "client.token", "client "+strconv.FormatInt(id, 10), "revokes token "+strconv.FormatInt(tid, 10))
				return nil
			}
		}
		return dateline.Errorf(dateline.ENOTFOUND, "This client has no token %d.", tid)
	})
}

func (s *clientsAdmin) handleRotateFeedKey(w http.ResponseWriter, r *http.Request) error {
	return s.clientAction(w, r, "saved", func(id int64) error {
		if err := s.store.RotateFeedKey(r.Context(), id); err != nil {
			return err
		}
		s.audit(r.Context(), s.User(r), "client.feeds", "client "+strconv.FormatInt(id, 10), "new feed key")
		return nil
	})
}

// --- products ---

type productsPage struct {
	Products []productRow
	Form     dateline.Product
	Edit     bool // Form is a stored product being edited
	Sections []option
	Langs    []option
	Kinds    []option
	Urgency  []option
	Topics   string
	Persons  string
}

// option is a choice of a form, checked or selected.
type option struct {
	Value, Label string
	On           bool
}

// options are the choices of values, those in on checked.
func options(values, labels, on []string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: labels[i], On: slices.Contains(on, v)}
	}
	return out
}

type productRow struct {
	dateline.Product
	Describe string
}

func (s *clientsAdmin) handleProducts(w http.ResponseWriter, r *http.Request) error {
	return s.renderProducts(w, r, http.StatusOK, "", dateline.Product{}, false)
}

func (s *clientsAdmin) handleProduct(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.store.Product(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderProducts(w, r, http.StatusOK, "", *p, true)
}

func (s *clientsAdmin) renderProducts(w http.ResponseWriter, r *http.Request, code int, msg string, form dateline.Product, edit bool) error {
	ps, err := s.store.ProductList(r.Context())
	if err != nil {
		return err
	}
	var secs, names []string
	for _, sec := range s.Sections() {
		secs, names = append(secs, sec.Slug), append(names, sec.Name+" ("+sec.Slug+")")
	}
	urg := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	urgNames := []string{"any", "1: flashes only", "2: urgent and more", "3", "4", "5", "6", "7", "8", "9"}
	page := productsPage{Form: form, Edit: edit, Sections: options(secs, names, form.Sections),
		Langs:   options([]string{"en", "ru"}, []string{"English", "Russian"}, form.Langs),
		Kinds:   options(dateline.ItemKinds, []string{"Text (every story)", "Photo (stories with a photo)", "Galleries", "Infographics"}, form.Kinds),
		Urgency: options(urg, urgNames, []string{strconv.Itoa(form.MaxUrgency)}),
		Topics:  strings.Join(form.Topics, ", "), Persons: strings.Join(form.Persons, ", ")}
	for _, p := range ps {
		page.Products = append(page.Products, productRow{Product: p, Describe: p.Describe()})
	}
	title := "Products"
	if edit {
		title = form.Name
	}
	s.Render(w, r, code, "products", &View{Title: title, Nav: "products", Flash: msg, Data: page})
	return nil
}

// productForm reads a product from the form, checking that its topics
// and persons exist.
func (s *clientsAdmin) productForm(r *http.Request, p *dateline.Product) error {
	r.ParseForm()
	p.Name = ingest.PlainText(r.PostFormValue("name"))
	p.Sections, p.Langs, p.Kinds = r.PostForm["section"], r.PostForm["lang"], r.PostForm["kind"]
	p.Topics, p.Persons = slugList(r.PostFormValue("topics")), slugList(r.PostFormValue("persons"))
	p.Embargoed = r.PostFormValue("embargoed") != ""
	u, err := strconv.Atoi(r.PostFormValue("urgency"))
	if err != nil && r.PostFormValue("urgency") != "" {
		return dateline.Errorf(dateline.EINVALID, "Choose the least urgent level from the list.")
	}
	p.MaxUrgency = u
	if err := p.Validate(); err != nil {
		return err
	}
	for _, slug := range p.Topics {
		if _, err := s.store.Topic(r.Context(), slug); err != nil {
			return dateline.Errorf(dateline.EINVALID, "There is no topic %q; topics are named by their slug, as in /topics/SLUG.", slug)
		}
	}
	for _, slug := range p.Persons {
		if _, err := s.store.Person(r.Context(), slug); err != nil {
			return dateline.Errorf(dateline.EINVALID, "There is no person %q; persons are named by their slug, as in /persons/SLUG.", slug)
		}
	}
	return nil
}

// slugList splits a field of slugs separated by commas or spaces.
func slugList(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
}

func (s *clientsAdmin) handleSaveProduct(w http.ResponseWriter, r *http.Request) error {
	var p dateline.Product
	edit := r.PathValue("id") != ""
	if edit {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p.ID = id
	}
	err := s.productForm(r, &p)
	switch {
	case err != nil:
	case edit:
		err = s.store.UpdateProduct(r.Context(), &p)
	default:
		err = s.store.CreateProduct(r.Context(), &p, s.now())
	}
	if err != nil {
		return s.refuse(w, r, err, func(code int, msg string) { s.renderProducts(w, r, code, msg, p, edit) })
	}
	s.audit(r.Context(), s.User(r), "product.save", "product "+strconv.FormatInt(p.ID, 10), p.Name+": "+p.Describe())
	http.Redirect(w, r, "/newsroom/products?done=saved", http.StatusSeeOther)
	return nil
}
