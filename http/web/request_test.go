package web

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}
	for _, c := range []struct {
		remote, xff string
		proxies     []netip.Prefix
		want        string
	}{
		{"192.0.2.1:5000", "198.51.100.7", nil, "192.0.2.1"},                 // no trusted proxies: the connection
		{"192.0.2.1:5000", "198.51.100.7", proxies, "192.0.2.1"},             // not a proxy: X-Forwarded-For is ignored
		{"10.0.0.2:5000", "198.51.100.7, 10.0.0.3", proxies, "198.51.100.7"}, // the nearest that is not a proxy
		{"10.0.0.2:5000", "junk, 10.0.0.3", proxies, "10.0.0.2"},
		{"[::ffff:10.0.0.2]:5000", "198.51.100.7", proxies, "198.51.100.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		r.Header.Set("X-Forwarded-For", c.xff)
		if got := ClientIP(r, c.proxies); got != c.want {
			t.Errorf("ClientIP(%s, %q) = %s, want %s", c.remote, c.xff, got, c.want)
		}
	}
}

func TestAccessLogTurnsAPanicIntoAnAnswer(t *testing.T) {
	var logs bytes.Buffer
	h := AccessLog(slog.New(slog.NewTextHandler(&logs, nil)), nil, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	}), func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/x", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "panic") || !strings.Contains(logs.String(), "status=500") {
		t.Errorf("%d\n%s", w.Code, logs.String())
	}
}
