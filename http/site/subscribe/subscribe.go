// Package subscribe serves readers' email subscriptions: the form
// (/subscribe, and /ru/subscribe), the confirmation page its message links
// to, and the page of all of one address's lists (/subscriptions/TOKEN:
// stop a list, export as JSON, delete everything). The tokens are signed
// (package newsletter), so none of it needs an account, a cookie or a
// CSRF token: a token names one address, and the form only asks for a
// confirmation.
package subscribe

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"dateline"
	"dateline/http/site/kit"
	"dateline/http/web"
	"dateline/i18n"
	"dateline/mail"
	"dateline/newsletter"
)

// Store is what the pages need of the store.
type Store interface {
	newsletter.Store
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
}

type page struct {
	*kit.Base
	Step            string // form, sent, confirm, manage, deleted
	Error, Done     string
	Address, Action string
	Choices, Lists  []choice
}

// choices are the lists the form offers: breaking news of each edition,
// the page's own first and ticked.
func (s *Handler) choices(lang string, on []string) []choice {
	eds := []string{lang}
	for _, e := range s.Sections().EditionsOn() {
		if e != lang {
			eds = append(eds, e)
		}
	}
	var out []choice
	for _, e := range eds {
		id := newsletter.ListID(newsletter.KindBreaking, e)
		out = append(out, choice{ID: id, Name: newsletter.ListName(lang, id), On: slices.Contains(on, id)})
	}
	return out
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
	s.render(w, r, http.StatusOK, lang, "Email alerts", page{Step: "form", Choices: s.choices(lang, []string{newsletter.ListID(newsletter.KindBreaking, lang)})})
}

func (s *Handler) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	lang := s.Lang(r)
	l := i18n.Lang(lang)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.render(w, r, http.StatusBadRequest, lang, "Email alerts", page{Step: "form", Choices: s.choices(lang, nil),
			Error: i18n.T(l, "The form could not be read: send it from this page, at most 8 KB.")})
		return
	}
	lists := r.PostForm["list"]
	bad := func(msg string) {
		s.render(w, r, http.StatusBadRequest, lang, "Email alerts", page{Step: "form", Choices: s.choices(lang, lists), Address: r.PostForm.Get("email"), Error: msg})
	}
	address, err := newsletter.CheckAddress(lang, r.PostForm.Get("email"))
	if err != nil {
		bad(err.Error())
		return
	}
	if len(lists) == 0 {
		bad(i18n.T(l, "Choose at least one thing to send."))
		return
	}
	offered := s.choices(lang, nil)
	sub := &dateline.NewsSubscriber{Address: address, Lang: lang, Zone: s.DefaultCity().Zone}
	for _, id := range lists {
		if !slices.ContainsFunc(offered, func(c choice) bool { return c.ID == id }) {
			bad(i18n.T(l, "“%s” is not something this site sends: choose from the list.", id))
			return
		}
		sub.Lists = append(sub.Lists, dateline.NewsList{ListID: id})
	}
	if err := s.store.Subscribe(r.Context(), sub, s.Now()); err != nil {
		s.Error(w, r, err)
		return
	}
	if err := s.sender.Confirm(r.Context(), sub); err != nil {
		s.Error(w, r, err)
		return
	}
	s.Log().Info("subscription asked", "lists", len(sub.Lists))
	s.render(w, r, http.StatusOK, lang, "Check your inbox", page{Step: "sent", Address: address})
}

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
	key, _ := s.key.Get(r.Context())
	s.manage(w, r, address, lang, "/subscriptions/"+newsletter.ManageToken(key, address, lang), i18n.T(i18n.Lang(lang), "Confirmed: you will receive what you chose."))
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
		lists = append(lists, choice{ID: li.ListID, Name: newsletter.ListName(lang, li.ListID), Confirmed: !li.Confirmed.IsZero()})
	}
	s.render(w, r, http.StatusOK, lang, "Your subscriptions", page{Step: "manage", Address: sub.Address, Action: action, Lists: lists, Done: done})
}

func (s *Handler) handleManage(w http.ResponseWriter, r *http.Request) {
	address, lang, ok := s.token(w, r, newsletter.ParseManage)
	if !ok {
		return
	}
	s.manage(w, r, address, lang, r.URL.EscapedPath(), "")
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
