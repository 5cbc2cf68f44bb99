package benchcmd

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// The client rows of "dateline bench archive" (issue 18's figure): a
// client of 20 products reads its wire through the read API and the
// portal.

var (
	benchClientID = regexp.MustCompile(`(?m)^client (\d+):`)
	benchProdID   = regexp.MustCompile(`(?m)^product (\d+):`)
	benchPassword = regexp.MustCompile(`initial password \(shown once\): (\S+)`)
	benchCSRF     = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
)

// setupClient makes, with the node's binary, a client that takes 20
// products (two sections, the biggest topic, the biggest person in one
// edition, urgent stories of a section, in turn), its API tokens and a
// client user signed in to the portal.
func (r *benchRun) setupClient(ctx context.Context) error {
	out, err := r.node.command(ctx, "client", "add", "--name", "Bench client "+r.runID, "--seats", "5")
	if err != nil {
		return err
	}
	m := benchClientID.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("client add said %q", out)
	}
	client := m[1]
	secs := r.addrs.sectionSlug
	if len(secs) == 0 {
		return fmt.Errorf("no sections found")
	}
	for i := range 20 {
		args := []string{"client", "product", "add", "--name", fmt.Sprintf("Bench %s product %d", r.runID, i)}
		switch i % 4 {
		case 0:
			args = append(args, "--sections", secs[i%len(secs)]+","+secs[(i+1)%len(secs)])
		case 1:
			args = append(args, "--topics", r.addrs.topic.slug)
		case 2:
			args = append(args, "--persons", r.addrs.person.slug, "--langs", "en")
		case 3:
			args = append(args, "--sections", secs[i%len(secs)], "--max-urgency", "3")
		}
		out, err := r.node.command(ctx, args...)
		if err != nil {
			return err
		}
		m := benchProdID.FindStringSubmatch(out)
		if m == nil {
			return fmt.Errorf("product add said %q", out)
		}
		if _, err := r.node.command(ctx, "client", "take", "--client", client, "--product", m[1]); err != nil {
			return err
		}
	}
	// As many tokens as the read rows have: each may make 1,200 requests
	// a minute.
	tokens := make([]string, r.conns+2)
	for i := range tokens {
		tok, err := r.node.command(ctx, "client", "token", "--client", client, "--name", fmt.Sprintf("bench-%s-client-%d", r.runID, i))
		if err != nil {
			return err
		}
		tokens[i] = strings.TrimSpace(tok)
	}
	r.clients = newTokenPool(tokens)
	email := "bench-" + strings.ToLower(r.runID) + "@client.example"
	out, err = r.node.command(ctx, "client", "user", "add", "--client", client, "--email", email, "--name", "Bench reader")
	if err != nil {
		return err
	}
	m = benchPassword.FindStringSubmatch(out)
	if m == nil {
		return fmt.Errorf("client user add said %q", out)
	}
	r.portalCookie, err = r.node.portalSignIn(ctx, email, m[1])
	return err
}

// portalSignIn signs in to the portal as a browser does and returns the
// session's cookie ("name=value").
func (n *benchNode) portalSignIn(ctx context.Context, email, password string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.base+"/wire/signin", nil)
	if err != nil {
		return "", err
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return "", err
	}
	m := benchCSRF.FindStringSubmatch(readAllString(resp))
	if m == nil || len(resp.Cookies()) == 0 {
		return "", fmt.Errorf("the portal's sign-in page: %s, no form token", resp.Status)
	}
	form := url.Values{"csrf": {m[1]}, "email": {email}, "password": {password}, "next": {"/wire/"}}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/wire/signin", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", n.base)
	for _, c := range resp.Cookies() {
		req.AddCookie(c)
	}
	resp, err = n.client.Do(req)
	if err != nil {
		return "", err
	}
	readAllString(resp)
	for _, c := range resp.Cookies() {
		if c.Name == "dateline_wire" && c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("signing in to the portal: %s, no session", resp.Status)
}

// readAllString reads and closes the body of resp.
func readAllString(resp *http.Response) string {
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	return string(b)
}
