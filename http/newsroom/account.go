package newsroom

import (
	"net/http"
	"strconv"
	"time"

	"dateline"
	"dateline/auth"
)

// --- one's own account ---

func (s *sessions) handleAccount(w http.ResponseWriter, r *http.Request) error {
	s.renderNewsroomView(w, r, http.StatusOK, "account", &nrView{Title: "Your account", Session: sessionOf(r), Data: nil})
	return nil
}

func (s *sessions) handlePassword(w http.ResponseWriter, r *http.Request) error {
	ctx, sess := r.Context(), sessionOf(r)
	cur, pw, again := r.PostFormValue("current"), r.PostFormValue("password"), r.PostFormValue("again")
	fail := func(msg string) {
		s.renderNewsroomView(w, r, http.StatusBadRequest, "account", &nrView{Title: "Your account", Session: sess, Data: msg})
	}
	if sess.User.LockedUntil.After(s.now()) {
		fail("Too many wrong passwords: try again after " + sess.User.LockedUntil.In(s.loc(r)).Format("15:04") + ".")
		return nil
	}
	if !verifyPassword(cur, sess.User.PasswordHash) {
		// Wrong guesses here count towards the same lockout as sign-in,
		// so a stolen session cannot guess the password for ever.
		if _, err := s.store.LoginFailed(ctx, sess.UserID, s.now(), loginLimit, loginLock); err != nil {
			return err
		}
		s.audit(ctx, sess.User, "password.fail", "user "+strconv.FormatInt(sess.UserID, 10), "")
		fail("Your current password is not right.")
		return nil
	}
	if pw != again {
		fail("The two new passwords differ.")
		return nil
	}
	if err := auth.CheckPolicy(pw); err != nil {
		fail(dateline.ErrorMessage(err))
		return nil
	}
	if err := s.store.SetPassword(ctx, sess.UserID, auth.Hash(pw)); err != nil {
		return err
	}
	// Every session ended with the change: this browser gets a new one.
	secret, now := auth.Token(), s.now()
	ns := &dateline.Session{Hash: auth.Sum(secret), UserID: sess.UserID, CSRF: auth.Token(), CreatedAt: now, ExpiresAt: now.Add(sessionLife)}
	if err := s.store.CreateSession(ctx, ns, time.Now()); err != nil {
		return err
	}
	s.setCookie(w, r, sessionCookie, secret, sessionLife)
	s.audit(ctx, sess.User, "password.change", "user "+strconv.FormatInt(sess.UserID, 10), "")
	http.Redirect(w, r, "/newsroom/account?done=password", http.StatusSeeOther)
	return nil
}
