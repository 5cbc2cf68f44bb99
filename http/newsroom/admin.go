package newsroom

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"dateline"
	"dateline/auth"
	"dateline/ingest"
)

// admin is the admins' pages: people, sections, API tokens and the audit
// log.
type admin struct {
	*kit
	store adminStore
}

// adminStore is what the admins' pages need of the store.
type adminStore interface {
	Users(ctx context.Context) ([]dateline.User, error)
	User(ctx context.Context, id int64) (*dateline.User, error)
	CreateUser(ctx context.Context, u *dateline.User, now time.Time) error
	UpdateUser(ctx context.Context, u *dateline.User) error
	SetPassword(ctx context.Context, userID int64, hash string) error
	SaveSection(ctx context.Context, s *dateline.Section) error
	Tokens(ctx context.Context) ([]dateline.Token, error)
	CreateToken(ctx context.Context, t *dateline.Token, now time.Time) error
	DeleteToken(ctx context.Context, id int64) error
	AuditLog(ctx context.Context, before int64, limit int) ([]dateline.AuditEntry, error)
}

// --- people ---

type usersPage struct {
	Users []dateline.User
	Roles []dateline.Role
}

func (s *admin) handleUsers(w http.ResponseWriter, r *http.Request) error {
	us, err := s.store.Users(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "users", &nrView{Title: "People", Session: sessionOf(r), Nav: "users", Data: usersPage{Users: us, Roles: []dateline.Role{dateline.RoleReporter, dateline.RoleEditor, dateline.RoleAdmin}}})
	return nil
}

func (s *admin) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	pw := r.PostFormValue("password")
	if err := auth.CheckPolicy(pw); err != nil {
		return err
	}
	u := &dateline.User{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: dateline.Role(r.PostFormValue("role")),
		PasswordHash: auth.Hash(pw), CreatedAt: s.now()}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.store.CreateUser(ctx, u, time.Now()); err != nil {
		return err
	}
	s.audit(ctx, sessionOf(r).User, "user.create", "user "+strconv.FormatInt(u.ID, 10), u.Email+" as "+string(u.Role))
	http.Redirect(w, r, "/newsroom/users?done=created", http.StatusSeeOther)
	return nil
}

func (s *admin) handleSaveUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, me := r.Context(), sessionOf(r).User
	u, err := s.store.User(ctx, id)
	if err != nil {
		return err
	}
	u.Name, u.Role, u.Disabled = r.PostFormValue("name"), dateline.Role(r.PostFormValue("role")), r.PostFormValue("disabled") != ""
	pw := r.PostFormValue("password")
	if pw != "" {
		if err := auth.CheckPolicy(pw); err != nil {
			return err
		}
	}
	if u.ID == me.ID && (u.Disabled || u.Role != dateline.RoleAdmin) {
		s.newsroomError(w, r, http.StatusBadRequest, "You cannot disable your own account or take away your own admin role; another admin can.")
		return nil
	}
	if err := u.Validate(); err != nil {
		return err
	}
	if err := s.store.UpdateUser(ctx, u); err != nil {
		return err
	}
	detail := "role " + string(u.Role)
	if u.Disabled {
		detail += ", disabled"
	}
	if pw != "" {
		if err := s.store.SetPassword(ctx, u.ID, auth.Hash(pw)); err != nil {
			return err
		}
		detail += ", new password"
	}
	s.audit(ctx, me, "user.update", "user "+strconv.FormatInt(u.ID, 10), detail)
	http.Redirect(w, r, "/newsroom/users?done=saved", http.StatusSeeOther)
	return nil
}

// --- sections ---

func (s *admin) handleSectionsAdmin(w http.ResponseWriter, r *http.Request) error {
	s.renderNewsroomView(w, r, http.StatusOK, "sections", &nrView{Title: "Sections", Session: sessionOf(r), Nav: "sections"})
	return nil
}

func (s *admin) handleSaveSection(w http.ResponseWriter, r *http.Request) error {
	pos, err := strconv.Atoi(r.PostFormValue("position"))
	if err != nil || pos < 0 || pos > 1000 {
		s.newsroomError(w, r, http.StatusBadRequest, "The position is a whole number from 0 to 1000.")
		return nil
	}
	sec := &dateline.Section{Slug: strings.TrimSpace(r.PostFormValue("slug")), Name: ingest.PlainText(r.PostFormValue("name")), Position: pos,
		Lang: r.PostFormValue("lang")}
	for _, c := range strings.Split(r.PostFormValue("codes"), "\n") {
		if c = strings.TrimSpace(c); c != "" {
			if len(c) > 200 || !validText(c) {
				s.newsroomError(w, r, http.StatusBadRequest, "A code is one line of at most 200 characters.")
				return nil
			}
			sec.Codes = append(sec.Codes, c)
		}
	}
	if err := s.store.SaveSection(r.Context(), sec); err != nil {
		return err
	}
	s.site.Changed()
	s.audit(r.Context(), sessionOf(r).User, "section.save", "section "+sec.Slug, sec.Name)
	http.Redirect(w, r, "/newsroom/sections?done=saved", http.StatusSeeOther)
	return nil
}

// --- API tokens ---

type tokensPage struct{ Tokens []dateline.Token }

func (s *admin) handleTokens(w http.ResponseWriter, r *http.Request) error {
	ts, err := s.store.Tokens(r.Context())
	if err != nil {
		return err
	}
	s.renderNewsroomView(w, r, http.StatusOK, "tokens", &nrView{Title: "API tokens", Session: sessionOf(r), Nav: "tokens", Data: tokensPage{Tokens: ts}})
	return nil
}

func (s *admin) handleCreateToken(w http.ResponseWriter, r *http.Request) error {
	name := ingest.PlainText(r.PostFormValue("name"))
	if name == "" || utf8.RuneCountInString(name) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "Name the token after who uses it, in at most 100 characters.")
		return nil
	}
	source := ingest.PlainText(r.PostFormValue("source"))
	if source == "" {
		source = dateline.DefaultSource
	}
	if utf8.RuneCountInString(source) > 100 {
		s.newsroomError(w, r, http.StatusBadRequest, "A source is a name such as “reuters”, in at most 100 characters.")
		return nil
	}
	secret := "dl_" + auth.Token()
	t := &dateline.Token{Name: name, Scope: r.PostFormValue("scope"), Embargo: r.PostFormValue("embargo") != "", Source: source, Hash: auth.Sum(secret), CreatedAt: s.now()}
	if err := s.store.CreateToken(r.Context(), t, time.Now()); err != nil {
		return err
	}
	s.audit(r.Context(), sessionOf(r).User, "token.create", "token "+strconv.FormatInt(t.ID, 10), name+" ("+t.Scope+", source "+source+")")
	s.renderNewsroomView(w, r, http.StatusCreated, "message", &nrView{Title: "Token created", Session: sessionOf(r), Nav: "tokens",
		Data: messagePage{Heading: "Token created", Message: "The token “" + name + "” (" + t.Scope + ") is ready. Send it as “Authorization: Bearer TOKEN”.", Secret: secret, Back: "/newsroom/tokens"}})
	return nil
}

func (s *admin) handleDeleteToken(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteToken(r.Context(), id); err != nil {
		return err
	}
	s.audit(r.Context(), sessionOf(r).User, "token.delete", "token "+strconv.FormatInt(id, 10), "")
	http.Redirect(w, r, "/newsroom/tokens?done=deleted", http.StatusSeeOther)
	return nil
}

// --- audit log ---

type auditPage struct {
	Entries []dateline.AuditEntry
	Next    string
}

func (s *admin) handleAudit(w http.ResponseWriter, r *http.Request) error {
	before, err := optionalID(r.URL.Query().Get("before"), "position")
	if err != nil {
		return err
	}
	es, err := s.store.AuditLog(r.Context(), before, 100)
	if err != nil {
		return err
	}
	p := auditPage{Entries: es}
	if len(es) == 100 {
		p.Next = "/newsroom/audit?before=" + strconv.FormatInt(es[len(es)-1].ID, 10)
	}
	s.renderNewsroomView(w, r, http.StatusOK, "audit", &nrView{Title: "Audit log", Session: sessionOf(r), Nav: "audit", Data: p})
	return nil
}
