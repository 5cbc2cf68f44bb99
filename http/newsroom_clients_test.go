package http_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestNewsroomClients walks the admins' client pages: a product, a
// client, its contract, a person within the seat limit, a token that then
// reads only the product, the signed feed and a new feed key; refusals
// come back as the page with the reason and a 4xx; only admins get in;
// every write is in the audit log.
func TestNewsroomClients(t *testing.T) {
	n := newNewsroom(t)
	ctx := context.Background()
	adm := n.as("admin@example.org")
	for _, p := range []string{"/newsroom/clients", "/newsroom/products"} {
		if r := n.as("editor@example.org").get(p); r.Code != http.StatusForbidden {
			t.Errorf("an editor opens %s: %d", p, r.Code)
		}
		if r := adm.get(p); r.Code != 200 {
			t.Fatalf("%s: %d", p, r.Code)
		}
	}
	n.publish("urn:test:cl:sport", "Sport story", "sport", "")
	n.publish("urn:test:cl:world", "World story", "world", "")
	if r := adm.post("/newsroom/products", url.Values{"name": {"Sport desk"}, "section": {"sport"}, "urgency": {"9"}, "kind": {"text"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("make product: %d %s", r.Code, excerpt(r.Body))
	}
	for name, bad := range map[string]url.Values{
		"no name":       {"name": {""}},
		"unknown topic": {"name": {"X"}, "topics": {"no-such-topic"}},
		"same name":     {"name": {"sport DESK"}},
		"bad urgency":   {"name": {"Y"}, "urgency": {"ten"}},
	} {
		if r := adm.post("/newsroom/products", bad); r.Code < 400 || r.Code >= 500 || !strings.Contains(r.Body, `class="flash"`) {
			t.Errorf("%s: %d", name, r.Code)
		}
	}
	ps, _ := n.store.ProductList(ctx)
	if len(ps) != 1 || ps[0].Name != "Sport desk" {
		t.Fatalf("products: %+v", ps)
	}
	if r := adm.get(fmt.Sprintf("/newsroom/products/%d", ps[0].ID)); r.Code != 200 || !strings.Contains(r.Body, `value="sport" checked`) {
		t.Errorf("product page: %d", r.Code)
	}
	if r := adm.post("/newsroom/clients", url.Values{"name": {"Bank"}, "seats": {"1"}, "until": {"2026-13-40"}}); r.Code != http.StatusBadRequest {
		t.Errorf("a bad date: %d", r.Code)
	}
	r := adm.post("/newsroom/clients", url.Values{"name": {"Bank of Examples"}, "seats": {"1"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("add client: %d %s", r.Code, excerpt(r.Body))
	}
	page := r.Location[:strings.Index(r.Location, "?")]
	if r := adm.post(page+"/products", url.Values{"product": {fmt.Sprint(ps[0].ID)}}); r.Code != http.StatusSeeOther {
		t.Fatalf("take product: %d %s", r.Code, excerpt(r.Body))
	}
	if r := adm.post(page+"/users", url.Values{"email": {"desk@bank.example"}, "name": {"Desk"}, "role": {"client-admin"}}); r.Code != http.StatusCreated || !strings.Contains(r.Body, `class="secret"`) {
		t.Errorf("add person: %d", r.Code)
	}
	if r := adm.post(page+"/users", url.Values{"email": {"two@bank.example"}, "name": {"Two"}, "role": {"member"}}); r.Code != http.StatusForbidden || !strings.Contains(r.Body, "Every seat") {
		t.Errorf("a person beyond the seats: %d", r.Code)
	}
	// An invitation link, which signs the person in at the portal.
	desk, _ := n.store.ClientUserByEmail(ctx, "desk@bank.example")
	inv := adm.post(fmt.Sprintf("%s/users/%d/invite", page, desk.ID), nil)
	link := regexp.MustCompile(`value="https?://news\.example(/wire/invitation/[^"]+)"`).FindStringSubmatch(inv.Body)
	if inv.Code != http.StatusCreated || link == nil {
		t.Fatalf("invitation link: %d %s", inv.Code, excerpt(inv.Body))
	}
	if r := n.get(link[1]); r.Code != 200 || !strings.Contains(r.Body.String(), "desk@bank.example") {
		t.Errorf("the invitation's page: %d", r.Code)
	}
	if secret := strings.TrimPrefix(link[1], "/wire/invitation/"); strings.Contains(n.logs.String(), secret) {
		t.Error("the log holds an invitation's secret")
	}
	if r := adm.post(fmt.Sprintf("%s/users/%d/invite", page, desk.ID+100), nil); r.Code != http.StatusNotFound {
		t.Errorf("an invitation for someone else's person: %d", r.Code)
	}
	// A new password, which lifts a lock.
	e := n.env
	for range 5 {
		wireSignin(e, "desk@bank.example", "wrong password")
	}
	pw := adm.post(fmt.Sprintf("%s/users/%d/password", page, desk.ID), nil)
	newPW := regexp.MustCompile(`id="secret" class="secret" readonly value="([^"]+)"`).FindStringSubmatch(pw.Body)
	if pw.Code != http.StatusCreated || newPW == nil {
		t.Fatalf("new password: %d %s", pw.Code, excerpt(pw.Body))
	}
	mustSignin(e, "desk@bank.example", newPW[1])
	tok := adm.post(page+"/tokens", url.Values{"name": {"Terminal"}})
	m := regexp.MustCompile(`value="(dl_[^"]+)"`).FindStringSubmatch(tok.Body)
	if tok.Code != http.StatusCreated || m == nil {
		t.Fatalf("token: %d", tok.Code)
	}
	code, items, _ := n.items("/api/v1/items", m[1])
	if code != 200 || len(items.Items) != 1 || !strings.Contains(string(items.Items[0]), "Sport story") {
		t.Errorf("the client's token lists %d items (%d)", len(items.Items), code)
	}
	cp := adm.get(page)
	feed := regexp.MustCompile(`value="(http://news\.example/wire/feeds/[^"]+)"`).FindStringSubmatch(cp.Body)
	if cp.Code != 200 || feed == nil || !strings.Contains(cp.Body, "Sport desk") || !strings.Contains(cp.Body, "desk@bank.example") {
		t.Fatalf("client page: %d %s", cp.Code, excerpt(cp.Body))
	}
	path := strings.ReplaceAll(strings.TrimPrefix(feed[1], "http://news.example"), "&amp;", "&")
	if w := n.get(path); w.Code != 200 || !strings.Contains(w.Body.String(), "Sport story") || strings.Contains(w.Body.String(), "World story") {
		t.Errorf("feed: %d %s", w.Code, w.Body)
	}
	if r := adm.post(page+"/feed-key", nil); r.Code != http.StatusSeeOther {
		t.Errorf("new feed key: %d", r.Code)
	}
	if w := n.get(path); w.Code != http.StatusForbidden {
		t.Errorf("the old feed address after a new key: %d", w.Code)
	}
	// Disabling the client: its token reads nothing.
	if r := adm.post(page, url.Values{"name": {"Bank of Examples"}, "seats": {"1"}, "disabled": {"1"}}); r.Code != http.StatusSeeOther {
		t.Errorf("disable: %d %s", r.Code, excerpt(r.Body))
	}
	if code, items, _ := n.items("/api/v1/items", m[1]); code != 200 || len(items.Items) != 0 {
		t.Errorf("a disabled client's token lists %d items", len(items.Items))
	}
	cs, _ := n.store.ClientList(ctx)
	ts, _ := n.store.ClientTokens(ctx, cs[0].ID)
	if r := adm.post(fmt.Sprintf("%s/tokens/%d/delete", page, ts[0].ID), nil); r.Code != http.StatusSeeOther {
		t.Errorf("revoke: %d", r.Code)
	}
	if code, _, _ := n.items("/api/v1/items", m[1]); code != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", code)
	}
	if r := adm.post(fmt.Sprintf("%s/products/%d/drop", page, ps[0].ID), nil); r.Code != http.StatusSeeOther {
		t.Errorf("drop: %d", r.Code)
	}
	if r := adm.get("/newsroom/clients/999"); r.Code != http.StatusNotFound {
		t.Errorf("no client: %d", r.Code)
	}
	log, _ := n.store.AuditLog(ctx, 0, 100)
	seen := map[string]bool{}
	for _, e := range log {
		seen[e.Action] = true
	}
	for _, a := range []string{"product.save", "client.create", "client.product", "client.user", "client.token", "client.feeds", "client.save"} {
		if !seen[a] {
			t.Errorf("no audit entry %s", a)
		}
	}
	if strings.Contains(n.logs.String(), m[1]) {
		t.Error("the log holds the client's token")
	}

	// The month's usage: the token's two lists (one of an item, one empty
	// once the client was disabled), the feed's item and the portal's list
	// at the sign-in.
	if err := n.srv.FlushUsage(ctx); err != nil {
		t.Fatal(err)
	}
	month := n.clock.Now().UTC().Format("2006-01")
	if r := adm.get("/newsroom/usage?month=" + month); r.Code != 200 || !strings.Contains(r.Body, "Bank of Examples") || !strings.Contains(r.Body, "Sport desk") {
		t.Errorf("usage page: %d %s", r.Code, excerpt(r.Body))
	}
	csvRes := adm.get("/newsroom/usage.csv?month=" + month)
	wantCSV := "month,client_id,client,product_id,product,delivered,downloaded,api_requests,pushed,push_failed\n" +
		month + ",1,Bank of Examples,0,\"(the client, no one product)\",0,0,2,0,0\n" + month + fmt.Sprintf(",1,Bank of Examples,%d,Sport desk,3,0,0,0,0\n", ps[0].ID)
	if csvRes.Code != 200 || csvRes.Body != wantCSV {
		t.Errorf("usage CSV: %d %q, want %q", csvRes.Code, csvRes.Body, wantCSV)
	}
	if r := adm.get("/newsroom/usage?month=2026-13"); r.Code != http.StatusBadRequest {
		t.Errorf("a bad month: %d", r.Code)
	}
	if r := n.as("editor@example.org").get("/newsroom/usage.csv"); r.Code != http.StatusForbidden {
		t.Errorf("an editor reads the usage: %d", r.Code)
	}
}
