package mail

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dateline/internal/mailpittest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their files and a TLS configuration that trusts it (alone).
func selfSigned(t *testing.T) (cert, key string, trust *tls.Config) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	kd, _ := x509.MarshalECPrivateKey(k)
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kd}), 0o600)
	c, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(c)
	return cert, key, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// TestTLS sends through Mailpit with STARTTLS required (smtp://) and with
// implicit TLS (smtps://), each with SMTP AUTH; a certificate the client
// does not trust stops the message.
func TestTLS(t *testing.T) {
	cert, key, trust := selfSigned(t)
	for _, c := range []struct{ scheme, flag string }{{"smtp", "--smtp-require-starttls"}, {"smtps", "--smtp-require-tls"}} {
		t.Run(c.scheme, func(t *testing.T) {
			mp := mailpittest.Start(t, "--smtp-tls-cert", cert, "--smtp-tls-key", key, c.flag)
			cfg, err := ParseURL(c.scheme+"://news:s3cret@"+mp.SMTP+"?from=news@example.org", "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Send(ctx, cfg, &Message{To: "a@example.org", Subject: "Untrusted", Text: "x"}); err == nil || !strings.Contains(err.Error(), "certificate") {
				t.Errorf("an untrusted certificate: %v", err)
			}
			cfg.tlsConfig = trust
			if _, err := Send(ctx, cfg, &Message{To: "a@example.org", Subject: "Over " + c.scheme, Text: "x"}); err != nil {
				t.Fatal(err)
			}
			ms := mp.Wait(t, 1, 10*time.Second)
			if len(ms) != 1 || ms[0].Subject != "Over "+c.scheme {
				t.Errorf("received %+v", ms)
			}
		})
	}
}
