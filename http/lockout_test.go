package http_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"dateline/auth"
)

// TestLockoutSparesKnownDevices: wrong passwords from anywhere lock an
// account for every device but those that signed in to it before, so
// someone who knows a journalist's address cannot lock them out; a new
// password forgets the known devices.
func TestLockoutSparesKnownDevices(t *testing.T) {
	n := newNewsroom(t)
	desk := n.browser() // the editor's own laptop
	if r := desk.login("editor@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("first sign-in: %d", r.Code)
	}
	desk.forget("dateline_session")

	attacker := n.browser()
	for i := 1; i <= 6; i++ {
		attacker.login("editor@example.org", "guess "+strconv.Itoa(i))
	}
	if r := attacker.login("editor@example.org", testPassword); r.Code != http.StatusTooManyRequests {
		t.Fatalf("the lock does not hold for an unknown device: %d", r.Code)
	}
	// A forged or borrowed proof does not help.
	u, _ := url.Parse(n.ts.URL + "/newsroom/")
	attacker.c.Jar.SetCookies(u, []*http.Cookie{{Name: "dateline_device", Value: "2." + strconv.FormatInt(n.clock.Now().Unix(), 10) + "." + strings.Repeat("A", 43)}})
	if r := attacker.login("editor@example.org", testPassword); r.Code != http.StatusTooManyRequests {
		t.Fatalf("a forged device proof passed the lock: %d", r.Code)
	}
	if r := desk.login("editor@example.org", testPassword); r.Code != http.StatusSeeOther {
		t.Fatalf("the known device was locked out: %d %s", r.Code, excerpt(r.Body))
	}
	// The lock still holds for the attacker after the editor signed in.
	if r := attacker.login("editor@example.org", testPassword); r.Code != http.StatusTooManyRequests {
		t.Errorf("the known device's sign-in lifted the lock for others: %d", r.Code)
	}
	// A wrong password on the known device is still wrong.
	desk.forget("dateline_session")
	if r := desk.login("editor@example.org", "not it"); r.Code != http.StatusUnauthorized {
		t.Errorf("wrong password on a known device: %d", r.Code)
	}
	// A new password forgets every device.
	ctx := context.Background()
	ed, err := n.store.UserByEmail(ctx, "editor@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if err := n.store.SetPassword(ctx, ed.ID, auth.Hash("a brand new password")); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 6; i++ {
		attacker.login("editor@example.org", "guess again "+strconv.Itoa(i))
	}
	if r := desk.login("editor@example.org", "a brand new password"); r.Code != http.StatusTooManyRequests {
		t.Errorf("a device known before the password changed passed the lock: %d", r.Code)
	}
	n.clock.Add(16 * time.Minute)
	if r := desk.login("editor@example.org", "a brand new password"); r.Code != http.StatusSeeOther {
		t.Errorf("sign-in after the lock: %d", r.Code)
	}
}

// forget drops a cookie from the browser, as closing a private window
// would drop a session.
func (b *browser) forget(name string) {
	u, _ := url.Parse(b.e.ts.URL + "/")
	for _, p := range []string{"/", "/newsroom/"} {
		pu := *u
		pu.Path = p
		b.c.Jar.SetCookies(&pu, []*http.Cookie{{Name: name, Value: "", Path: p, MaxAge: -1}})
	}
}
