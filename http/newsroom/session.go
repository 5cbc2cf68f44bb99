package newsroom

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"dateline"
	"dateline/auth"
	"dateline/http/web"
)

// Newsroom sign-in rules.
const (
	sessionCookie  = "dateline_session"
	loginCookie    = "dateline_login"  // double-submit token of the sign-in form
	deviceCookie   = "dateline_device" // a device that signed in before: exempt from the account lock
	deviceLife     = 365 * 24 * time.Hour
	sessionLife    = 7 * 24 * time.Hour
	loginLimit     = 5                // failed sign-ins before an account locks
	loginLock      = 15 * time.Minute // how long it stays locked
	ipLoginBurst   = 20               // sign-in attempts one address may make at once
	ipLoginRefill  = 3 * time.Second  // one more attempt per this long
	csrfFormField  = "csrf"
	csrfHeader     = "X-CSRF-Token"
	maxFormSize    = 4 << 20
	maxUploadBytes = 20 << 20
)

// sessions is sign-in, sessions, the guard of every page and one's own
// account.
type sessions struct {
	*kit
	store          sessionStore
	baseURL        string
	trustedProxies []netip.Prefix
	logins         ipLimiter
}

// sessionStore is what sign-in and sessions need of the store.
type sessionStore interface {
	User(ctx context.Context, id int64) (*dateline.User, error)
	UserByEmail(ctx context.Context, email string) (*dateline.User, error)
	LoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (*dateline.User, error)
	LoginSucceeded(ctx context.Context, userID int64, now time.Time) error
	SetPassword(ctx context.Context, userID int64, hash string) error
	CreateSession(ctx context.Context, s *dateline.Session, now time.Time) error
	Session(ctx context.Context, hash []byte, now time.Time) (*dateline.Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteExpiredSessions(ctx context.Context, now time.Time) error
}

type ctxKey int

const sessionKey ctxKey = 1

// sessionOf returns the request's signed-in session; newsroom handlers run
// behind requireSession, so it is always there for them.
func sessionOf(r *http.Request) *dateline.Session {
	s, _ := r.Context().Value(sessionKey).(*dateline.Session)
	return s
}

func (s *sessions) secure(r *http.Request) bool {
	return r.TLS != nil || strings.HasPrefix(s.baseURL, "https://")
}

func (s *sessions) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	web.SetCookie(w, "/", name, value, maxAge, s.secure(r))
}

// currentSession looks up the session cookie. It returns nil when there
// is none or it is not live.
func (s *sessions) currentSession(r *http.Request) *dateline.Session {
	return web.LiveSession(r, sessionCookie, s.log, func(ctx context.Context, hash []byte) (*dateline.Session, error) {
		return s.store.Session(ctx, hash, s.now())
	})
}

// requireSession guards every newsroom page and write: without a live
// session a page redirects to the sign-in form and anything else answers
// 401; a write must carry the session's CSRF token. need checks the role.
func (s *sessions) requireSession(need func(dateline.Role) bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Cache-Control", "no-store")
		hd.Set("X-Frame-Options", "SAMEORIGIN")
		hd.Set("Referrer-Policy", "same-origin")
		sess := s.currentSession(r)
		if sess == nil {
			if r.Method == http.MethodGet && !strings.HasPrefix(r.URL.Path, "/newsroom/api/") {
				http.Redirect(w, r, "/newsroom/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.newsroomError(w, r, http.StatusUnauthorized, "Sign in to the newsroom first.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			if !s.checkCSRF(w, r, sess.CSRF) {
				return
			}
		}
		if need != nil && !need(sess.User.Role) {
			s.newsroomError(w, r, http.StatusForbidden, "Your role ("+string(sess.User.Role)+") may not do this; ask an editor or an admin.")
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), sessionKey, sess)))
	}
}

// checkCSRF compares the request's token with want, and refuses a request
// whose Origin is another site. It answers 403 and returns false on
// failure.
func (s *sessions) checkCSRF(w http.ResponseWriter, r *http.Request, want string) bool {
	if web.CrossSite(r) {
		s.newsroomError(w, r, http.StatusForbidden, "This request came from another site and was refused.")
		return false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes+1<<20)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		// Files above 1 MB wait on disk, not in memory.
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			s.newsroomError(w, r, formErrorStatus(err), formErrorMessage(err))
			return false
		}
	} else if err := r.ParseForm(); err != nil {
		s.newsroomError(w, r, formErrorStatus(err), formErrorMessage(err))
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfFormField)
	}
	if want == "" || !auth.Equal(got, want) {
		s.newsroomError(w, r, http.StatusForbidden, "The form has expired or did not come from this site. Go back, reload the page and try again.")
		return false
	}
	return true
}

func formErrorStatus(err error) int {
	if strings.Contains(err.Error(), "too large") {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

func formErrorMessage(err error) string {
	if strings.Contains(err.Error(), "too large") {
		return "The request is larger than " + strconv.Itoa(maxUploadBytes>>20) + " MB."
	}
	return "The form could not be read."
}

// ipLimiter is a token bucket per client address for sign-in attempts.
// It lives in memory per node; the account lockout is in the store and
// holds across nodes.
type ipLimiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func (l *ipLimiter) allow(ip string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if len(l.buckets) > 100000 { // forget everyone rather than grow without end
		clear(l.buckets)
	}
	b := l.buckets[ip]
	if b == nil {
		b = &bucket{tokens: ipLoginBurst, at: now}
		l.buckets[ip] = b
	}
	b.tokens = min(ipLoginBurst, b.tokens+float64(now.Sub(b.at))/float64(ipLoginRefill))
	b.at = now
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(ipLoginRefill))
	}
	b.tokens--
	return true, 0
}

const wrongPassword = "The email or the password is wrong. After 5 wrong passwords an account is locked for 15 minutes, except on the devices that signed in to it before."

// A device that signed in to an account keeps a cookie that proves it,
// so that someone who knows a journalist's address cannot lock them out
// by sending wrong passwords: the account lock holds for every other
// device (and the per-address limit for everyone). The proof is an HMAC
// keyed with the account's password hash, so a new password forgets
// every device, and nothing is stored for it.

// deviceProof returns the cookie value that marks a device of u.
func deviceProof(u *dateline.User, issued time.Time) string {
	msg := "device:" + strconv.FormatInt(u.ID, 10) + ":" + strconv.FormatInt(issued.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(u.PasswordHash))
	mac.Write([]byte(msg))
	return strconv.FormatInt(u.ID, 10) + "." + strconv.FormatInt(issued.Unix(), 10) + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// knownDevice reports whether the request carries a device proof of u
// made within deviceLife of now.
func knownDevice(r *http.Request, u *dateline.User, now time.Time) bool {
	c, err := r.Cookie(deviceCookie)
	if err != nil || len(c.Value) > 200 {
		return false
	}
	for _, v := range strings.Fields(strings.ReplaceAll(c.Value, "~", " ")) {
		id, rest, ok := strings.Cut(v, ".")
		ts, _, ok2 := strings.Cut(rest, ".")
		if !ok || !ok2 || id != strconv.FormatInt(u.ID, 10) {
			continue
		}
		n, err := strconv.ParseInt(ts, 10, 64)
		if err != nil || now.Sub(time.Unix(n, 0)) > deviceLife || time.Unix(n, 0).After(now.Add(time.Minute)) {
			continue
		}
		if hmac.Equal([]byte(v), []byte(deviceProof(u, time.Unix(n, 0)))) {
			return true
		}
	}
	return false
}

// rememberDevice adds u's proof to the device cookie, keeping the proofs
// of the other accounts used on the device (at most three).
func (s *sessions) rememberDevice(w http.ResponseWriter, r *http.Request, u *dateline.User, now time.Time) {
	proofs := []string{deviceProof(u, now)}
	if c, err := r.Cookie(deviceCookie); err == nil && len(c.Value) <= 200 {
		for _, v := range strings.Split(c.Value, "~") {
			if id, _, _ := strings.Cut(v, "."); v != "" && id != strconv.FormatInt(u.ID, 10) && len(proofs) < 3 {
				proofs = append(proofs, v)
			}
		}
	}
	// Only the newsroom reads it, so reader pages never carry it.
	http.SetCookie(w, &http.Cookie{Name: deviceCookie, Value: strings.Join(proofs, "~"), Path: "/newsroom/", MaxAge: int(deviceLife / time.Second),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secure(r)})
}

// argonSlots bounds the argon2 checks running at once: each takes 19 MiB,
// and a burst of sign-ins must not take the node's memory.
var argonSlots = make(chan struct{}, 4)

// verifyPassword checks a password against a hash ("" checks against a
// dummy hash, to take the same time), a few at a time.
func verifyPassword(password, hash string) bool {
	argonSlots <- struct{}{}
	defer func() { <-argonSlots }()
	if hash == "" {
		auth.VerifyNothing(password)
		return false
	}
	return auth.Verify(password, hash)
}

type loginPage struct {
	Email, Next, Token, Message string
}

// safeNext keeps a redirect after sign-in inside the newsroom.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/newsroom/") || strings.HasPrefix(next, "/newsroom/login") || strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") {
		return "/newsroom/"
	}
	return next
}

func (s *sessions) handleLoginForm(w http.ResponseWriter, r *http.Request) error {
	if s.currentSession(r) != nil {
		http.Redirect(w, r, "/newsroom/", http.StatusSeeOther)
		return nil
	}
	s.loginForm(w, r, http.StatusOK, "", r.URL.Query().Get("next"), "")
	return nil
}

func (s *sessions) loginForm(w http.ResponseWriter, r *http.Request, code int, email, next, msg string) {
	tok := auth.Token()
	s.setCookie(w, r, loginCookie, tok, time.Hour)
	s.renderNewsroom(w, r, code, "login", "Sign in", nil, loginPage{Email: email, Next: safeNext(next), Token: tok, Message: msg})
}

func (s *sessions) handleLogin(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Cache-Control", "no-store")
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.newsroomError(w, r, http.StatusBadRequest, "The sign-in form could not be read.")
		return nil
	}
	email, password, next := strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("password"), r.PostFormValue("next")
	c, err := r.Cookie(loginCookie)
	if err != nil || c.Value == "" || !auth.Equal(c.Value, r.PostFormValue(csrfFormField)) {
		s.loginForm(w, r, http.StatusForbidden, email, next, "The sign-in form expired or your browser refused its cookie. Try again.")
		return nil
	}
	if ok, wait := s.logins.allow(web.ClientIP(r, s.trustedProxies), s.now()); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
		s.loginForm(w, r, http.StatusTooManyRequests, email, next, "Too many sign-in attempts from your address. Wait a few seconds and try again.")
		return nil
	}
	if email == "" || password == "" || len(email) > 254 || len(password) > 1000 {
		s.loginForm(w, r, http.StatusBadRequest, email, next, "Enter your email and password.")
		return nil
	}
	ctx := r.Context()
	now := s.now()
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		if dateline.ErrorCode(err) != dateline.ENOTFOUND {
			s.site.Error(w, r, err)
			return nil
		}
		verifyPassword(password, "")
		s.audit(ctx, nil, "login.fail", "", "unknown email")
		s.loginForm(w, r, http.StatusUnauthorized, email, next, wrongPassword)
		return nil
	}
	// The password is always checked, so a locked account answers as
	// slowly as any other; only someone who knows the password learns
	// that the account is locked. Wrong passwords get one message, known
	// email or not.
	right := verifyPassword(password, u.PasswordHash)
	known := right && knownDevice(r, u, now)
	if right && u.LockedUntil.After(now) && !known {
		s.lockedForm(w, r, u, email, next, now)
		return nil
	}
	if !right {
		if !u.LockedUntil.After(now) {
			if u, err = s.store.LoginFailed(ctx, u.ID, now, loginLimit, loginLock); err != nil {
				s.site.Error(w, r, err)
				return nil
			}
		}
		s.audit(ctx, nil, "login.fail", "user "+strconv.FormatInt(u.ID, 10), u.Email)
		s.loginForm(w, r, http.StatusUnauthorized, email, next, wrongPassword)
		return nil
	}
	if u.Disabled {
		s.audit(ctx, nil, "login.fail", "user "+strconv.FormatInt(u.ID, 10), "disabled account")
		s.loginForm(w, r, http.StatusForbidden, email, next, "This account is disabled. An admin can enable it again.")
		return nil
	}
	// A known device signs in through the lock and leaves it in place,
	// so it still holds for whoever sent the wrong passwords.
	if err := s.store.LoginSucceeded(ctx, u.ID, now); err != nil && !(known && dateline.ErrorCode(err) == dateline.EFORBIDDEN) {
		// Wrong passwords sent alongside locked the account meanwhile.
		if dateline.ErrorCode(err) == dateline.EFORBIDDEN {
			if u2, err2 := s.store.User(ctx, u.ID); err2 == nil {
				s.lockedForm(w, r, u2, email, next, now)
				return nil
			}
		}
		s.site.Error(w, r, err)
		return nil
	}
	// A session id the browser brought is never kept: it may have been
	// planted. A new one is made at every sign-in.
	if old, err := r.Cookie(sessionCookie); err == nil {
		s.store.DeleteSession(ctx, auth.Sum(old.Value))
	}
	secret := auth.Token()
	sess := &dateline.Session{Hash: auth.Sum(secret), UserID: u.ID, CSRF: auth.Token(), CreatedAt: now, ExpiresAt: now.Add(sessionLife)}
	if err := s.store.CreateSession(ctx, sess, time.Now()); err != nil {
		s.site.Error(w, r, err)
		return nil
	}
	s.store.DeleteExpiredSessions(ctx, now)
	s.setCookie(w, r, sessionCookie, secret, sessionLife)
	s.setCookie(w, r, loginCookie, "", -1)
	s.rememberDevice(w, r, u, now)
	s.audit(ctx, u, "login", "", "")
	http.Redirect(w, r, safeNext(next), http.StatusSeeOther)
	return nil
}

func (s *sessions) lockedForm(w http.ResponseWriter, r *http.Request, u *dateline.User, email, next string, now time.Time) {
	mins := int(u.LockedUntil.Sub(now).Minutes()) + 1
	z := s.site.Zone(r)
	w.Header().Set("Retry-After", strconv.Itoa(int(u.LockedUntil.Sub(now).Seconds())+1))
	s.loginForm(w, r, http.StatusTooManyRequests, email, next,
		"Too many failed sign-ins: this account is locked until "+u.LockedUntil.In(z.Location()).Format("15:04")+" ("+plural(mins, "minute", "minutes")+"). An admin can set a new password sooner.")
}

func (s *sessions) handleLogout(w http.ResponseWriter, r *http.Request) error {
	sess := sessionOf(r)
	if err := s.store.DeleteSession(r.Context(), sess.Hash); err != nil {
		s.site.Error(w, r, err)
		return nil
	}
	s.audit(r.Context(), sess.User, "logout", "", "")
	s.setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/newsroom/login", http.StatusSeeOther)
	return nil
}
