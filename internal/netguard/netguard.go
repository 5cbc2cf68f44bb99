// Package netguard keeps the site's outgoing requests off private
// networks: partner feeds, weather and rates providers, and anything else
// fetched from an address someone typed. The check runs after DNS, on the
// address actually connected to, so a name that resolves (or re-resolves)
// to a private address is refused, and again on every redirect.
package netguard

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Policy says which addresses may be reached. The zero value reaches only
// public addresses.
type Policy struct {
	// AllowPrivate lets requests reach loopback and private addresses
	// (tests, or a service on the same closed network). Link-local (cloud
	// metadata at 169.254.169.254), multicast and unspecified addresses
	// are refused even then.
	AllowPrivate bool
	// Allow, when set, decides instead of AllowPrivate.
	Allow func(netip.Addr) bool
}

// Blocked reports whether ip is an address nothing is fetched from by
// default: loopback, private (RFC 1918, fc00::/7), link-local, unspecified,
// multicast, carrier-grade NAT or broadcast, IPv4-mapped IPv6 forms
// included.
func Blocked(ip netip.Addr) bool {
	ip = ip.Unmap()
	return !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		cgnat.Contains(ip) || ip == broadcast
}

var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10") // shared address space: private to a carrier
	broadcast = netip.MustParseAddr("255.255.255.255")
)

// Allowed applies the policy to one address.
func (p Policy) Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if p.Allow != nil {
		return p.Allow(ip)
	}
	if !Blocked(ip) {
		return true
	}
	return p.AllowPrivate && (ip.IsLoopback() || ip.IsPrivate() || cgnat.Contains(ip))
}

// RefusedError is an address the policy refuses.
type RefusedError struct{ Addr netip.Addr }

func (e RefusedError) Error() string {
	return fmt.Sprintf("the address %s is private or reserved, so it is not fetched", e.Addr)
}

// Control is a net.Dialer Control function: it runs after DNS resolution
// and before each connection, and refuses an address the policy does not
// allow with a RefusedError.
func (p Policy) Control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("unexpected address %q", address)
	}
	if !p.Allowed(ap.Addr()) {
		return RefusedError{ap.Addr()}
	}
	return nil
}

// CheckURL refuses a URL that is not http or https, has no host, carries
// a user name or password, or names a refused address literally. Names
// are checked when connecting, by Control. The error says which, in
// plain words.
func (p Policy) CheckURL(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("only http and https addresses are fetched, not %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("the address has no host")
	}
	if u.User != nil {
		return fmt.Errorf("the address may not carry a user name or password")
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !p.Allowed(ip) {
		return fmt.Errorf("the address %s is private or reserved; only public addresses are fetched", ip)
	}
	return nil
}

// maxRedirects is how many redirects a guarded client follows.
const maxRedirects = 5

// CheckRedirect is an http.Client CheckRedirect function: at most five
// redirects, each to a URL CheckURL accepts.
func (p Policy) CheckRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("more than %d redirects", maxRedirects)
	}
	return p.CheckURL(req.URL)
}

// Client returns an HTTP client whose every connection, redirects
// included, goes only to addresses the policy allows, with no proxy from
// the environment (a proxy would be the address checked), and timeout
// for a whole request, body included.
func (p Policy) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: timeout, Control: p.Control}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		MaxIdleConns:          10,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: p.CheckRedirect}
}
