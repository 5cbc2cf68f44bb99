// Package subscribe serves readers' email subscriptions: the form
// (/subscribe, and /ru/subscribe), the confirmation page its message links
// to, and the page of all of one address's lists (/subscriptions/TOKEN:
// stop a list, export as JSON, delete everything). The tokens are signed
// (package newsletter), so none of it needs an account, a cookie or a
// CSRF token: a token names one address, and the form only asks for a
// confirmation.
package subscribe

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"dateline"
	"dateline/cities"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/mail"
	"dateline/newsletter"
)

// Store is what the pages need of the store.
type Store interface {
	newsletter.Store
	Topic(ctx context.Context, slug string) (*dateline.Topic, error)
	Person(ctx context.Context, slug string) (*dateline.Person, error)
}

// Handler serves the pages.
type Handler struct {
	*kit.Kit
	store  Store
	sender *newsletter.Sender
	key    mail.KeyCache
}

// New returns the pages made with k; sender queues the confirmations.
func New(k *kit.Kit, store Store, sender *newsletter.Sender) *Handler {
	return &Handler{Kit: k, store: store, sender: sender, key: mail.KeyCache{Load: store.MailKey}}
}

// Routes registers the pages on m.
func (s *Handler) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /subscribe", s.handleForm)
	m.HandleFunc("POST /subscribe", s.handleSubscribe)
	m.HandleFunc("GET /subscribe/confirm/{token}", s.handleConfirmPage)
	m.HandleFunc("POST /subscribe/confirm/{token}", s.handleConfirm)
	m.HandleFunc("GET /subscriptions/{token}", s.handleManage)
	m.HandleFunc("GET /subscriptions/{token}/export", s.handleExport)
	m.HandleFunc("POST /subscriptions/{token}/remove", s.handleRemove)
	m.HandleFunc("POST /subscriptions/{token}/delete", s.handleDelete)
}

type choice struct {
	ID, Name  string
	On        bool
	Confirmed bool
	Stopped   bool // unsubscribed in one click
}

type option struct {
	Value, Name string
	On          bool
}

type page struct {
	*kit.Base
	Step            string // form, sent, confirm, manage, deleted
	Error, Done     string
	Address, Action string
	Choices, Lists  []choice
	// The digest's hour, the reader's city (its zone) and sections.
	Hours, Cities, Sections []option
}

// form is what the form asks, as sent (or as the address's query
// proposes: ?topic=SLUG, ?person=SLUG).
type form struct {
	lists    []string
	hour     int
	city     string
	sections []string
}

// formPage is the form's page for f: breaking news and the digest of
// each edition (the page's own first), and the follows f names.
func (s *Handler) formPage(ctx context.Context, lang string, f form) page {
	eds := []string{lang}
	for _, e := range s.Sections().EditionsOn() {
		if e != lang {
			eds = append(eds, e)
		}
	}
	var ids []string
	for _, kind := range []string{newsletter.KindBreaking, newsletter.KindDigest} {
		for _, e := range eds {
			ids = append(ids, newsletter.ListID(kind, e))
		}
	}
	for _, id := range f.lists {
		if k, _ := newsletter.ParseList(id); (k == newsletter.KindTopic || k == newsletter.KindPerson) && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	p := page{Step: "form"}
	for _, id := range ids {
		p.Choices = append(p.Choices, choice{ID: id, Name: s.listName(ctx, lang, id), On: slices.Contains(f.lists, id)})
	}
	for h := range 24 {
		p.Hours = append(p.Hours, option{Value: strconv.Itoa(h), Name: fmt.Sprintf("%02d:00", h), On: h == f.hour})
	}
	for _, c := range cities.All {
		p.Cities = append(p.Cities, option{Value: c.Slug, Name: kit.CityName(c, lang), On: c.Slug == f.city})
	}
	for _, sec := range s.Sections().List() {
		p.Sections = append(p.Sections, option{Value: sec.Slug, Name: sec.Name + " (" + newsletter.EditionName(lang, dateline.EditionOf(sec.Lang)) + ")", On: slices.Contains(f.sections, sec.Slug)})
	}
	return p
}

// listName names a list, a topic or person by its name when it has one.
func (s *Handler) listName(ctx context.Context, lang, id string) string {
	l := i18n.Lang(lang)
	switch kind, slug := newsletter.ParseList(id); kind {
	case newsletter.KindTopic:
		if t, err := s.store.Topic(ctx, slug); err == nil {
			return i18n.T(l, "Topic: %s", t.Name)
		}
	case newsletter.KindPerson:
		if p, err := s.store.Person(ctx, slug); err == nil {
			return i18n.T(l, "Person: %s", p.Name)
		}
	}
	return newsletter.ListName(lang, id)
}

func (s *Handler) render(w http.ResponseWriter, r *http.Request, code int, lang, title string, p page) {
	v := s.NewBaseIn(r, lang) // a token's page is in the token's language
	v.Title = i18n.T(i18n.Lang(lang), title)
	v.Robots = "noindex, nofollow"
	p.Base = v
	body, err := s.Render("subscribe", p)
	if err != nil {
		s.Error(w, r, err)
		return
	}
	web.WriteHTML(w, code, "no-store", body)
}

func (s *Handler) handleForm(w http.ResponseWriter, r *http.Request) {
	lang := s.Lang(r)
	f := form{lists: []string{newsletter.ListID(newsletter.KindBreaking, lang)}, hour: 8, city: s.DefaultCity().Slug}
	q := r.URL.Query()
	if slug := q.Get("topic"); slug != "" {
		if _, err := s.store.Topic(r.Context(), slug); err == nil {
			f.lists = []string{newsletter.ListID(newsletter.KindTopic, slug)}
		}
	}
	if slug := q.Get("person"); slug != "" {
		if _, err := s.store.Person(r.Context(), slug); err == nil {
			f.lists = []string{newsletter.ListID(newsletter.KindPerson, slug)}
		}
	}
	s.render(w, r, http.StatusOK, lang, "Email alerts", s.formPage(r.Context(), lang, f))
}

func (s *Handler) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	ctx, lang := r.Context(), s.Lang(r)
	l := i18n.Lang(lang)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		p := s.formPage(ctx, lang, form{hour: 8, city: s.DefaultCity().Slug})
		p.Error = i18n.T(l, "The form could not be read: send it from this page, at most 8 KB.")
		s.render(w, r, http.StatusBadRequest, lang, "Email alerts", p)
		return
	}
	pf := r.PostForm
	f := form{lists: pf["list"], city: pf.Get("city"), sections: pf["section"]}
	bad := func(msg string) {
		p := s.formPage(ctx, lang, f)
		p.Address, p.Error = pf.Get("email"), msg
		s.render(w, r, http.StatusBadRequest, lang, "Email alerts", p)
	}
	address, err := newsletter.CheckAddress(lang, pf.Get("email"))
	if err != nil {
		bad(err.Error())
		return
	}
	if len(f.lists) == 0 {
		bad(i18n.T(l, "Choose at least one thing to send."))
		return
	}
	f.hour, err = strconv.Atoi(cmp.Or(pf.Get("hour"), "8"))
	if err != nil || f.hour < 0 || f.hour > 23 {
		bad(i18n.T(l, "The digest's hour is a whole hour from 0 to 23."))
		return
	}
	city, ok := cities.Find(cmp.Or(f.city, s.DefaultCity().Slug))
	if !ok {
		bad(i18n.T(l, "Choose your city from the list: its time zone sets the digest's hour."))
		return
	}
	for _, sec := range f.sections {
		if s.Sections().Get(sec) == nil || !slices.Contains(f.lists, newsletter.ListID(newsletter.KindDigest, s.Sections().EditionOf(sec))) {
			bad(i18n.T(l, "“%s” is not a section of a digest you chose: choose from the list, and the digest of its edition.", sec))
			return
		}
	}
	sub := &dateline.NewsSubscriber{Address: address, Lang: lang, Zone: city.Zone}
	for _, id := range f.lists {
		li := dateline.NewsList{ListID: id}
		kind, what := newsletter.ParseList(id)
		switch {
		case (kind == newsletter.KindBreaking || kind == newsletter.KindDigest) && s.Sections().EditionOn(what):
			if kind == newsletter.KindDigest {
				// Each digest takes the chosen sections of its edition.
				li.Hour = f.hour
				for _, sec := range f.sections {
					if s.Sections().Get(sec) != nil && s.Sections().EditionOf(sec) == what {
						li.Sections = append(li.Sections, sec)
					}
				}
			}
		case kind == newsletter.KindTopic && what != "" && s.exists(s.store.Topic(ctx, what)):
		case kind == newsletter.KindPerson && what != "" && s.exists(s.store.Person(ctx, what)):
		default:
			bad(i18n.T(l, "“%s” is not something this site sends: choose from the list.", id))
			return
		}
		sub.Lists = append(sub.Lists, li)
	}
	if err := s.store.Subscribe(ctx, sub, s.Now()); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.sender.Confirm(ctx, sub); err != nil {
		s.Error(w, r, err)
		return
	}
	s.Log().Info("subscription asked", "lists", len(sub.Lists))
	s.render(w, r, http.StatusOK, lang, "Check your inbox", page{Step: "sent", Address: address})
}

// exists reports whether a topic or person was found.
func (s *Handler) exists(_ any, err error) bool { return err == nil }

// token reads a token of a kind, answering 400 itself when it is bad.
func (s *Handler) token(w http.ResponseWriter, r *http.Request, parse func([]byte, string) (string, string, error)) (address, lang string, ok bool) {
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is the reader's own
	key, err := s.key.Get(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return "", "", false
	}
	address, lang, err = parse(key, r.PathValue("token"))
	if err != nil {
		s.ErrorStatus(w, r, http.StatusBadRequest, i18n.T(i18n.Lang(s.Lang(r)), err.Error()))
		return "", "", false
	}
	return address, lang, true
}

func (s *Handler) handleConfirmPage(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseConfirm)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, lang, "Confirm your subscription", page{Step: "confirm", Address: address, Action: r.URL.EscapedPath()})
}

func (s *Handler) handleConfirm(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseConfirm)
	if !ok {
		return
	}
	if _, err := s.store.ConfirmNews(r.Context(), address, s.Now()); err != nil {
		s.Error(w, r, err)
		return
	}
	// To the page of the address's lists (a GET: reloading it does not
	// post again), which says it is confirmed.
	key, _ := s.key.Get(r.Context())
	http.Redirect(w, r, dateline.EditionPath(lang)+"/subscriptions/"+newsletter.ManageToken(key, address, lang)+"?confirmed=1", http.StatusSeeOther)
}

func (s *Handler) manage(w http.ResponseWriter, r *http.Request, address, lang, action, done string) {
	sub, err := s.store.NewsSubscriber(r.Context(), address)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		s.render(w, r, http.StatusOK, lang, "Your subscriptions", page{Step: "manage", Address: address, Action: action, Done: done})
		return
	} else if err != nil {
		s.Error(w, r, err)
		return
	}
	var lists []choice
	for _, li := range sub.Lists {
		lists = append(lists, choice{ID: li.ListID, Name: s.listName(r.Context(), lang, li.ListID), Confirmed: !li.Confirmed.IsZero(), Stopped: li.Stopped})
	}
	s.render(w, r, http.StatusOK, lang, "Your subscriptions", page{Step: "manage", Address: sub.Address, Action: action, Lists: lists, Done: done})
}

func (s *Handler) handleManage(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseManage)
	if !ok {
		return
	}
	done := ""
	if r.URL.Query().Get("confirmed") != "" {
		done = i18n.T(i18n.Lang(lang), "Confirmed: you will receive what you chose.")
	}
	s.manage(w, r, address, lang, r.URL.EscapedPath(), done)
}

func (s *Handler) handleRemove(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseManage)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	list := ""
	if err := r.ParseForm(); err == nil {
		list = r.PostForm.Get("list")
	}
	if list == "" {
		s.ErrorStatus(w, r, http.StatusBadRequest, i18n.T(i18n.Lang(lang), "Say which subscription to stop: use the buttons of this page."))
		return
	}
	if err := s.store.Unfollow(r.Context(), address, list); err != nil {
		s.Error(w, r, err)
		return
	}
	action := "/subscriptions/" + r.PathValue("token")
	s.manage(w, r, address, lang, action, i18n.T(i18n.Lang(lang), "Stopped: %s.", newsletter.ListName(lang, list)))
}

func (s *Handler) handleDelete(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseManage)
	if !ok {
		return
	}
	err := s.store.DeleteNewsSubscriber(r.Context(), address)
	if err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	s.Log().Info("subscriber deleted")
	s.render(w, r, http.StatusOK, lang, "Deleted", page{Step: "deleted", Address: address})
}

// Export is the JSON of GET /subscriptions/{token}/export: everything
// kept about an address.
type Export struct {
	Address   string       `json:"address"`
	Lang      string       `json:"lang"`
	Zone      string       `json:"zone"`
	CreatedAt time.Time    `json:"created_at"`
	Lists     []ExportList `json:"lists"`
}

// ExportList is one list of an Export.
type ExportList struct {
	List      string     `json:"list"`
	Name      string     `json:"name"`
	Sections  []string   `json:"sections,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	Confirmed *time.Time `json:"confirmed_at"`
}

func (s *Handler) handleExport(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseManage)
	if !ok {
		return
	}
	out := Export{Address: address, Lang: lang, Lists: []ExportList{}}
	sub, err := s.store.NewsSubscriber(r.Context(), address)
	if err != nil && dateline.ErrorCode(err) != dateline.ENOTFOUND {
		s.Error(w, r, err)
		return
	}
	if sub != nil {
		out.Address, out.Lang, out.Zone, out.CreatedAt = sub.Address, sub.Lang, sub.Zone, sub.CreatedAt
		for _, li := range sub.Lists {
			e := ExportList{List: li.ListID, Name: newsletter.ListName(lang, li.ListID), Sections: li.Sections, CreatedAt: li.CreatedAt}
			if !li.Confirmed.IsZero() {
				c := li.Confirmed
				e.Confirmed = &c
			}
			out.Lists = append(out.Lists, e)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="subscriptions.json"`)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}
