package portal

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/auth"
	"dateline/http/web"
	"dateline/i18n"
)

// The portal's sign-in rules: those of the newsroom's (argon2id, a
// double-submitted token on the sign-in form, five wrong passwords lock
// an account for 15 minutes, a limit of attempts per address, a new
// session id at every sign-in), with sessions of their own in
// client_sessions and a cookie that only /wire/ receives.
const (
	sessionCookie = "dateline_wire"
	loginCookie   = "dateline_wire_login" // double-submit token of the sign-in and invitation forms
	langCookie    = "dateline_wire_lang"
	sessionLife   = 7 * 24 * time.Hour
	loginLimit    = 5
	loginLock     = 15 * time.Minute
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
	maxForm       = 64 << 10
)

type ctxKey int

const (
	sessionKey ctxKey = iota
	clientKey
)

// sessionOf is the request's signed-in session, nil before sign-in.
func sessionOf(r *http.Request) *dateline.ClientSession {
	s, _ := r.Context().Value(sessionKey).(*dateline.ClientSession)
	return s
}

// clientOf is the signed-in user's company.
func clientOf(r *http.Request) *dateline.Client {
	c, _ := r.Context().Value(clientKey).(*dateline.Client)
	return c
}

func (h *Handler) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	web.SetCookie(w, "/wire/", name, value, maxAge, h.secure(r))
}

// currentSession is the live session of the request's cookie, or nil.
func (h *Handler) currentSession(r *http.Request) *dateline.ClientSession {
	return web.LiveSession(r, sessionCookie, h.log, func(ctx context.Context, hash []byte) (*dateline.ClientSession, error) {
		return h.store.ClientSession(ctx, hash, h.now())
	})
}

// guard lets a request through with a live session of an active
// client's user: a page without one goes to the sign-in form, anything
// else is 401; a write must carry the session's CSRF token and come from
// this site. admin asks for the client's admin role.
func (h *Handler) guard(admin bool, fn handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Content-Security-Policy", web.CSP[0])
		s := h.currentSession(r)
		if s == nil {
			if r.Method == http.MethodGet && r.URL.Path != "/wire/stream" && !strings.Contains(r.URL.Path, "/download") {
				http.Redirect(w, r, "/wire/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.refuse(w, r, http.StatusUnauthorized, "Sign in to the portal first.")
			return
		}
		ctx := context.WithValue(r.Context(), sessionKey, s)
		c, err := h.store.Client(ctx, s.User.ClientID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		r = r.WithContext(context.WithValue(ctx, clientKey, c))
		if !c.ActiveAt(h.now()) {
			h.refuse(w, r, http.StatusForbidden, "Your company's access to the wire is not active now. Ask the agency.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !h.checkCSRF(w, r, s.CSRF) {
			return
		}
		if admin && s.User.Role != dateline.ClientAdmin {
			h.refuse(w, r, http.StatusForbidden, "Only your company's portal admins may do this.")
			return
		}
		if err := fn(w, r); err != nil {
			h.fail(w, r, err)
		}
	}
}

// checkCSRF compares the form's (or header's) token with want and
// refuses a request from another site. It answers 403 on failure.
func (h *Handler) checkCSRF(w http.ResponseWriter, r *http.Request, want string) bool {
	if web.CrossSite(r) {
		h.refuse(w, r, http.StatusForbidden, "This request came from another site and was refused.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.refuse(w, r, http.StatusBadRequest, "The form could not be read.")
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	if want == "" || !auth.Equal(got, want) {
		h.refuse(w, r, http.StatusForbidden, "The form has expired or did not come from this site. Go back, reload the page and try again.")
		return false
	}
	return true
}

// argonSlots bounds the argon2 checks running at once (19 MiB each).
var argonSlots = make(chan struct{}, 4)

// verify checks a password against a hash ("" takes as long and fails).
func verify(password, hash string) bool {
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	if hash == "" {
		auth.VerifyNothing(password)
		return false
	}
	return auth.Verify(password, hash)
}

type signinPage struct {
	Email, Next, Token, Message string
}

func (p signinPage) nav() string { return "signin" }

func (h *Handler) handleSigninForm(w http.ResponseWriter, r *http.Request) error {
	if h.currentSession(r) != nil {
		http.Redirect(w, r, "/wire/", http.StatusSeeOther)
		return nil
	}
	h.signinForm(w, r, http.StatusOK, "", r.URL.Query().Get("next"), "")
	return nil
}

func (h *Handler) signinForm(w http.ResponseWriter, r *http.Request, code int, email, next, msg string) {
	tok := auth.Token()
	h.setCookie(w, r, loginCookie, tok, time.Hour)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	h.render(w, r, code, "signin", i18n.T(lang(r), "Sign in"), signinPage{Email: email, Next: safeNext(next), Token: tok, Message: msg})
}

const wrongPassword = "The email or the password is wrong. After 5 wrong passwords an account is locked for 15 minutes."

func (h *Handler) handleSignin(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		h.refuse(w, r, http.StatusBadRequest, "The sign-in form could not be read.")
		return nil
	}
	email, password, next := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password"), r.PostFormValue("next")
	if c, err := r.Cookie(loginCookie); err != nil || c.Value == "" || !auth.Equal(c.Value, r.PostFormValue(csrfField)) {
		h.signinForm(w, r, http.StatusForbidden, email, next, "The sign-in form expired or your browser refused its cookie. Try again.")
		return nil
	}
	now := h.now()
	if ok, wait := h.logins.Allow(web.ClientIP(r, h.cfg.TrustedProxies), now); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		h.signinForm(w, r, http.StatusTooManyRequests, email, next, "Too many sign-in attempts from your address. Wait a few seconds and try again.")
		return nil
	}
	if email == "" || password == "" || len(email) > 254 || len(password) > 1000 {
		h.signinForm(w, r, http.StatusBadRequest, email, next, "Enter your email and password.")
		return nil
	}
	ctx := r.Context()
	u, err := h.store.ClientUserByEmail(ctx, email)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND {
		verify(password, "")
		h.signinForm(w, r, http.StatusUnauthorized, email, next, wrongPassword)
		return nil
	} else if err != nil {
		return err
	}
	// The password is always checked, so a locked account answers as
	// slowly as any; only who knows the password learns it is locked.
	right := verify(password, u.PasswordHash)
	if right && u.LockedUntil.After(now) {
		h.lockedForm(w, r, u, email, next, now)
		return nil
	}
	if !right {
		if !u.LockedUntil.After(now) {
			if _, err := h.store.ClientLoginFailed(ctx, u.ID, now, loginLimit, loginLock); err != nil {
				return err
			}
		}
		h.signinForm(w, r, http.StatusUnauthorized, email, next, wrongPassword)
		return nil
	}
	if u.Disabled {
		h.signinForm(w, r, http.StatusForbidden, email, next, "This account is disabled. Your company's portal admin or the agency can enable it again.")
		return nil
	}
	c, err := h.store.Client(ctx, u.ClientID)
	if err != nil {
		return err
	}
	if !c.ActiveAt(now) {
		h.signinForm(w, r, http.StatusForbidden, email, next, "Your company's access to the wire is not active now. Ask the agency.")
		return nil
	}
	if err := h.store.ClientLoginSucceeded(ctx, u.ID, now); err != nil {
		if dateline.ErrorCode(err) == dateline.EFORBIDDEN {
			// Wrong passwords sent alongside locked the account meanwhile.
			if u2, err2 := h.store.ClientUser(ctx, u.ID); err2 == nil {
				h.lockedForm(w, r, u2, email, next, now)
				return nil
			}
		}
		return err
	}
	if err := h.startSession(w, r, u.ID, now); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

// startSession signs the user in on this browser: a new session id
// every time (one the browser brought may have been planted).
func (h *Handler) startSession(w http.ResponseWriter, r *http.Request, userID int64, now time.Time) error {
	ctx := r.Context()
	if old, err := r.Cookie(sessionCookie); err == nil {
		h.store.DeleteClientSession(ctx, auth.Sum(old.Value))
	}
	secret := auth.Token()
	s := &dateline.ClientSession{Hash: auth.Sum(secret), UserID: userID, CSRF: auth.Token(), CreatedAt: now, ExpiresAt: now.Add(sessionLife)}
	if err := h.store.CreateClientSession(ctx, s, now); err != nil {
		return err
	}
	h.store.DeleteExpiredClientSessions(ctx, now)
	h.setCookie(w, r, sessionCookie, secret, sessionLife)
	h.setCookie(w, r, loginCookie, "", -1)
	return nil
}

func (h *Handler) lockedForm(w http.ResponseWriter, r *http.Request, u *dateline.ClientUser, email, next string, now time.Time) {
	mins := int(u.LockedUntil.Sub(now).Minutes()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(int(u.LockedUntil.Sub(now).Seconds())+1))
	l := lang(r)
	h.signinForm(w, r, http.StatusTooManyRequests, email, next, i18n.T(l, "Too many failed sign-ins: this account is locked until %s (%s).",
		u.LockedUntil.In(h.cfg.Zone).Format("15:04"), i18n.N(l, "minute", mins)))
}

func (h *Handler) handleSignout(w http.ResponseWriter, r *http.Request) error {
	if err := h.store.DeleteClientSession(r.Context(), sessionOf(r).Hash); err != nil {
		return err
	}
	h.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/wire/signin", http.StatusSeeOther)
	return nil
}

// --- invitations ---

// Letter is an invitation as a person receives it: the one-time link and
// the words around it, in text and HTML. The newsroom, /wire/people and
// `dateline client invite` show it for the admin to pass on, and queue it
// in the outbox (Letter.Email).
type Letter struct {
	ID                            int64 // the invitation's
	Lang                          i18n.Lang
	To, Subject, Text, HTML, Link string
	Expires                       time.Time
}

// InviteStore is what making an invitation needs.
type InviteStore interface {
	CreateInvitation(ctx context.Context, inv *dateline.Invitation, now time.Time) error
	Client(ctx context.Context, id int64) (*dateline.Client, error)
}

// Invite makes a one-time link for u to set a password (replacing any
// earlier one) and the letter that carries it, in lang. Only the
// secret's hash is stored; the link is shown once.
func Invite(ctx context.Context, st InviteStore, baseURL, siteName string, u *dateline.ClientUser, l i18n.Lang, now time.Time) (*Letter, error) {
	c, err := st.Client(ctx, u.ClientID)
	if err != nil {
		return nil, err
	}
	secret := auth.Token()
	inv := &dateline.Invitation{Hash: auth.Sum(secret), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(dateline.InvitationLife)}
	if err := st.CreateInvitation(ctx, inv, now); err != nil {
		return nil, err
	}
	link := strings.TrimRight(baseURL, "/") + dateline.InvitationPath(secret)
	letter := &Letter{ID: inv.ID, Lang: l, To: u.Email, Link: link, Expires: inv.ExpiresAt,
		Subject: i18n.T(l, "Your access to the %s wire", siteName),
		Text: i18n.T(l, "Hello %s,\n\nYou are invited to the %s wire portal for %s. Open this link to set your password (it works once, until %s):\n\n%s\n\nYour email is your sign-in name.",
			u.Name, siteName, c.Name, i18n.DateYear(l, inv.ExpiresAt), link)}
	var b strings.Builder
	err = letterHTML.Execute(&b, map[string]string{"Lang": string(l), "Subject": letter.Subject, "Link": link,
		"Hello":  i18n.T(l, "Hello %s,", u.Name),
		"Invite": i18n.T(l, "You are invited to the %s wire portal for %s.", siteName, c.Name),
		"Set":    i18n.T(l, "Set your password"),
		"Once":   i18n.T(l, "The link works once, until %s. Your email is your sign-in name.", i18n.DateYear(l, inv.ExpiresAt))})
	letter.HTML = b.String()
	return letter, err
}

var letterHTML = template.Must(template.New("letter").Parse(`<!doctype html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; max-width: 40em">
<p>{{.Hello}}</p>
<p>{{.Invite}}</p>
<p><a href="{{.Link}}">{{.Set}}</a></p>
<p>{{.Once}}</p>
</body></html>
`))

// InvitationSent emails the letter when email is set up (mailOn) and
// says, in the letter's language, what became of it for the page that
// shows the link once.
func InvitationSent(ctx context.Context, st MailStore, l *Letter, mailOn bool, now time.Time) (string, error) {
	until := i18n.DateYear(l.Lang, l.Expires)
	if !mailOn {
		return i18n.T(l.Lang, "Send %s this link: it lets them set a password once, until %s. It is not shown again.", l.To, until) + " " +
			i18n.T(l.Lang, "Email is not set up on this site (no node runs with --smtp-url), so it was not emailed."), nil
	}
	if err := l.Email(ctx, st, now); err != nil {
		return "", err
	}
	return i18n.T(l.Lang, "We emailed this link to %s: it lets them set a password once, until %s. Here it is too, to pass on if the email does not arrive; it is not shown again.", l.To, until), nil
}

// MailStore is what queuing a letter needs.
type MailStore interface {
	EnqueueMail(ctx context.Context, m *dateline.OutMail, now time.Time) (bool, error)
}

// Email queues the letter in the outbox, once per invitation (its dedupe
// key "invitation:ID"); a node with serve --smtp-url sends it.
func (l *Letter) Email(ctx context.Context, st MailStore, now time.Time) error {
	_, err := st.EnqueueMail(ctx, &dateline.OutMail{DedupeKey: "invitation:" + strconv.FormatInt(l.ID, 10), Lang: string(l.Lang),
		To: l.To, Subject: l.Subject, Text: l.Text, HTML: l.HTML}, now)
	return err
}

type invitationPage struct {
	Name, Email, Token, Message string
}

func (p invitationPage) nav() string { return "signin" }

// invitation finds the live invitation of the path's secret and its user.
func (h *Handler) invitation(r *http.Request) (*dateline.ClientUser, error) {
	secret := r.PathValue("secret")
	if len(secret) != 43 {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "This invitation link is not known: it was used, replaced by a newer one, or mistyped. Ask for a new one.")
	}
	inv, err := h.store.Invitation(r.Context(), auth.Sum(secret), h.now())
	if err != nil {
		return nil, err
	}
	return h.store.ClientUser(r.Context(), inv.UserID)
}

func (h *Handler) invitationForm(w http.ResponseWriter, r *http.Request, code int, u *dateline.ClientUser, msg string) {
	tok := auth.Token()
	h.setCookie(w, r, loginCookie, tok, time.Hour)
	// The link's secret must not leave in a Referer.
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, code, "invitation", i18n.T(lang(r), "Set your password"), invitationPage{Name: u.Name, Email: u.Email, Token: tok, Message: msg})
}

func (h *Handler) handleInvitation(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	u, err := h.invitation(r)
	if err != nil {
		return err
	}
	h.invitationForm(w, r, http.StatusOK, u, "")
	return nil
}

func (h *Handler) handleAcceptInvitation(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Referrer-Policy", "no-referrer")
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return dateline.Errorf(dateline.EINVALID, "The form could not be read.")
	}
	u, err := h.invitation(r)
	if err != nil {
		return err
	}
	if c, err := r.Cookie(loginCookie); err != nil || c.Value == "" || !auth.Equal(c.Value, r.PostFormValue(csrfField)) {
		h.invitationForm(w, r, http.StatusForbidden, u, "The form expired or your browser refused its cookie. Try again.")
		return nil
	}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("repeat") {
		h.invitationForm(w, r, http.StatusBadRequest, u, "The two passwords differ.")
		return nil
	}
	if err := auth.CheckPolicy(pw); err != nil {
		h.invitationForm(w, r, http.StatusBadRequest, u, dateline.ErrorMessage(err))
		return nil
	}
	now := h.now()
	if u, err = h.store.AcceptInvitation(r.Context(), auth.Sum(r.PathValue("secret")), auth.Hash(pw), now); err != nil {
		return err
	}
	if u.Disabled {
		return dateline.Errorf(dateline.EFORBIDDEN, "Your password is set, but this account is disabled. Your company's portal admin or the agency can enable it.")
	}
	if err := h.startSession(w, r, u.ID, now); err != nil {
		return err
	}
	http.Redirect(w, r, "/wire/?done=password", http.StatusSeeOther)
	return nil
}
