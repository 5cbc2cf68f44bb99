package netguard

import (
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestBlocked(t *testing.T) {
	for _, a := range []string{"127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254", "::1", "fc00::1", "fe80::1", "0.0.0.0", "100.64.0.1", "255.255.255.255", "::ffff:127.0.0.1", "224.0.0.1"} {
		if !Blocked(netip.MustParseAddr(a)) {
			t.Errorf("%s is not blocked", a)
		}
	}
	for _, a := range []string{"8.8.8.8", "2a00:1450::1", "93.184.216.34"} {
		if Blocked(netip.MustParseAddr(a)) {
			t.Errorf("%s is blocked", a)
		}
	}
	open := Policy{AllowPrivate: true}
	if !open.Allowed(netip.MustParseAddr("127.0.0.1")) || open.Allowed(netip.MustParseAddr("169.254.169.254")) {
		t.Error("AllowPrivate must allow loopback and keep link-local refused")
	}
}

func TestCheckURL(t *testing.T) {
	var p Policy
	for raw, want := range map[string]string{
		"ftp://example.org/x":        "only http and https",
		"http://user:pw@example.org": "user name or password",
		"http://127.0.0.1:8080/x":    "127.0.0.1 is private or reserved",
		"http://[::1]/x":             "::1 is private or reserved",
		"https://example.org/x":      "",
	} {
		u, _ := url.Parse(raw)
		err := p.CheckURL(u)
		if (want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
}

// TestClient: the guarded client refuses a loopback server, reaches it
// when private addresses are allowed, and refuses a redirect to an
// address the policy does not allow (the check runs on the address
// connected to, so names and redirects do not get round it).
func TestClient(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("fine")) }))
	defer ok.Close()
	if _, err := (Policy{}).Client(5 * time.Second).Get(ok.URL); err == nil || !strings.Contains(err.Error(), "private or reserved") {
		t.Errorf("loopback reached without AllowPrivate: %v", err)
	}
	// A name that resolves to loopback is refused too.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(ok.URL, "http://"))
	if _, err := (Policy{}).Client(5 * time.Second).Get("http://localhost:" + port); err == nil {
		t.Error("localhost reached without AllowPrivate")
	}
	resp, err := (Policy{AllowPrivate: true}).Client(5 * time.Second).Get(ok.URL)
	if err != nil {
		t.Fatalf("AllowPrivate: %v", err)
	}
	resp.Body.Close()

	// 127.0.0.2 is refused by the policy; a server on 127.0.0.1 sends
	// the client there.
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Fatalf("listen on 127.0.0.2: %v", err)
	}
	inner := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) })}}
	inner.Start()
	defer inner.Close()
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL, http.StatusFound)
	}))
	defer redirect.Close()
	only1 := Policy{Allow: func(a netip.Addr) bool { return a == netip.MustParseAddr("127.0.0.1") }}
	if _, err := only1.Client(5 * time.Second).Get(redirect.URL); err == nil || !strings.Contains(err.Error(), "private or reserved") {
		t.Errorf("redirect to a refused address followed: %v", err)
	}
}
