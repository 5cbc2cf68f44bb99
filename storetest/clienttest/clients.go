package clienttest

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"dateline"
)

// FillClients adds a client with a product, a user and a token, for the
// tests that move every table.
func FillClients(t testing.TB, s dateline.Store) {
	t.Helper()
	c := &dateline.Client{Name: "Bank of Examples", SeatLimit: 3, ActiveFrom: base.Add(-time.Hour)}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	p := &dateline.Product{Name: "Sport photos", Sections: []string{"sport"}, Langs: []string{"en"}, Topics: []string{"football"},
		Persons: []string{"ivan-petrov"}, MaxUrgency: 4, Kinds: []string{dateline.KindPhoto}, Embargoed: true}
	if err := s.CreateProduct(ctx, p, base); err != nil {
		t.Fatal(err)
	}
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID, Until: base.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	u := &dateline.ClientUser{ClientID: c.ID, Email: "desk@bank.example", Name: "Desk", Role: dateline.ClientAdmin, PasswordHash: "$argon2id$x", LockedUntil: base}
	if err := s.CreateClientUser(ctx, u, base); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, &dateline.Token{Name: "bank feed", Scope: "read", ClientID: c.ID, Hash: bytes.Repeat([]byte{0xce}, 32), CreatedAt: base}, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// testClients checks clients, products and contracts, and the
// entitlement read from them.
func testClients(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: " Ministry ", SeatLimit: 2, ActiveFrom: base.Add(-time.Hour), ActiveUntil: base.Add(48 * time.Hour)}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	if c.ID == 0 || c.Name != "Ministry" || len(c.FeedKey) != 32 {
		t.Fatalf("created %+v", c)
	}
	got, err := s.Client(ctx, c.ID)
	if err != nil || got.Name != "Ministry" || !got.ActiveFrom.Equal(c.ActiveFrom) || !got.ActiveUntil.Equal(c.ActiveUntil) ||
		!got.CreatedAt.Equal(base) || got.SeatLimit != 2 || !bytes.Equal(got.FeedKey, c.FeedKey) {
		t.Fatalf("Client = %+v, %v; want %+v", got, err, c)
	}
	if err := s.RotateFeedKey(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Client(ctx, c.ID); bytes.Equal(got.FeedKey, c.FeedKey) {
		t.Error("the feed key did not change")
	}
	wantCode(t, s.RotateFeedKey(ctx, 999), dateline.ENOTFOUND)
	wantCode(t, s.CreateClient(ctx, &dateline.Client{Name: ""}, base), dateline.EINVALID)
	_, err = s.Client(ctx, 999)
	wantCode(t, err, dateline.ENOTFOUND)
	other := &dateline.Client{Name: "agency b"}
	if err := s.CreateClient(ctx, other, base); err != nil {
		t.Fatal(err)
	}
	list, err := s.ClientList(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "agency b" || list[1].Name != "Ministry" {
		t.Fatalf("ClientList = %+v, %v", list, err)
	}
	c.Disabled, c.Name = true, "Ministry of Examples"
	if err := s.UpdateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateClient(ctx, &dateline.Client{ID: 999, Name: "x"}), dateline.ENOTFOUND)

	sport := &dateline.Product{Name: "Sport", Sections: []string{"sport", "sport"}, Kinds: []string{"text"}}
	if err := s.CreateProduct(ctx, sport, base); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateProduct(ctx, &dateline.Product{Name: "SPORT"}, base), dateline.ECONFLICT)
	wantCode(t, s.CreateProduct(ctx, &dateline.Product{Name: "Bad", Langs: []string{"de"}}, base), dateline.EINVALID)
	flash := &dateline.Product{Name: "Flashes", MaxUrgency: 1, Embargoed: true, Topics: []string{"war", "elections"}, Persons: []string{"anna-k"}, Langs: []string{"ru", "en"}}
	if err := s.CreateProduct(ctx, flash, base); err != nil {
		t.Fatal(err)
	}
	gp, err := s.Product(ctx, flash.ID)
	if err != nil || gp.Name != "Flashes" || gp.MaxUrgency != 1 || !gp.Embargoed || !slices.Equal(gp.Topics, []string{"elections", "war"}) ||
		!slices.Equal(gp.Langs, []string{"en", "ru"}) || !slices.Equal(gp.Persons, []string{"anna-k"}) || len(gp.Sections) != 0 || !gp.CreatedAt.Equal(base) {
		t.Fatalf("Product = %+v, %v", gp, err)
	}
	flash.Name = "Sport"
	wantCode(t, s.UpdateProduct(ctx, flash), dateline.ECONFLICT)
	flash.Name, flash.Sections = "Flashes", []string{"world"}
	if err := s.UpdateProduct(ctx, flash); err != nil {
		t.Fatal(err)
	}
	if gp, _ := s.Product(ctx, flash.ID); !slices.Equal(gp.Sections, []string{"world"}) {
		t.Errorf("updated product: %+v", gp)
	}
	wantCode(t, s.UpdateProduct(ctx, &dateline.Product{ID: 999, Name: "x"}), dateline.ENOTFOUND)
	_, err = s.Product(ctx, 999)
	wantCode(t, err, dateline.ENOTFOUND)
	if ps, err := s.ProductList(ctx); err != nil || len(ps) != 2 || ps[0].Name != "Flashes" {
		t.Fatalf("ProductList = %+v, %v", ps, err)
	}

	// The contract and the entitlement.
	c.Disabled = false
	if err := s.UpdateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: sport.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: flash.ID, From: base.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: 999}), dateline.ENOTFOUND)
	wantCode(t, s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: 999, ProductID: sport.ID}), dateline.ENOTFOUND)
	wantCode(t, s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: sport.ID, From: base, Until: base}), dateline.EINVALID)
	e, err := s.Entitlement(ctx, c.ID, base)
	if err != nil || len(e.Products) != 1 || e.Products[0].ID != sport.ID || e.ClientID != c.ID {
		t.Fatalf("Entitlement now = %+v, %v", e, err)
	}
	if e, _ := s.Entitlement(ctx, c.ID, base.Add(2*time.Hour)); len(e.Products) != 2 || !e.Embargoed() {
		t.Errorf("Entitlement later = %+v", e)
	}
	if e, _ := s.Entitlement(ctx, c.ID, base.Add(49*time.Hour)); len(e.Products) != 0 {
		t.Errorf("Entitlement after the contract = %+v", e)
	}
	// Changing the dates of a product in the contract.
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: flash.ID}); err != nil {
		t.Fatal(err)
	}
	if cps, err := s.ClientProducts(ctx, c.ID); err != nil || len(cps) != 2 || !cps[1].From.IsZero() {
		t.Errorf("ClientProducts = %+v, %v", cps, err)
	}
	if err := s.RemoveClientProduct(ctx, c.ID, sport.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.RemoveClientProduct(ctx, c.ID, sport.ID), dateline.ENOTFOUND)
	if e, _ := s.Entitlement(ctx, c.ID, base); len(e.Products) != 1 || e.Products[0].ID != flash.ID {
		t.Errorf("Entitlement after removal = %+v", e)
	}
	_, err = s.Entitlement(ctx, 999, base)
	wantCode(t, err, dateline.ENOTFOUND)
	c.Disabled = true
	if err := s.UpdateClient(ctx, c); err != nil {
		t.Fatal(err)
	}
	if e, _ := s.Entitlement(ctx, c.ID, base); len(e.Products) != 0 {
		t.Errorf("a disabled client's entitlement = %+v", e)
	}
}

// testClientUsers checks client users, the email's uniqueness and the
// seat limit, also under concurrent additions.
func testClientUsers(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: "Portal", SeatLimit: 2}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	a := &dateline.ClientUser{ClientID: c.ID, Email: "Anna@Portal.example", Name: "Anna", Role: dateline.ClientAdmin, PasswordHash: "h"}
	if err := s.CreateClientUser(ctx, a, base); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.CreateClientUser(ctx, &dateline.ClientUser{ClientID: c.ID, Email: "anna@portal.example", Name: "Again"}, base), dateline.ECONFLICT)
	wantCode(t, s.CreateClientUser(ctx, &dateline.ClientUser{ClientID: 999, Email: "x@portal.example", Name: "X"}, base), dateline.ENOTFOUND)
	wantCode(t, s.CreateClientUser(ctx, &dateline.ClientUser{ClientID: c.ID, Email: "bad", Name: "X"}, base), dateline.EINVALID)
	b := &dateline.ClientUser{ClientID: c.ID, Email: "boris@portal.example", Name: "Boris"}
	if err := s.CreateClientUser(ctx, b, base); err != nil {
		t.Fatal(err)
	}
	third := &dateline.ClientUser{ClientID: c.ID, Email: "vera@portal.example", Name: "Vera"}
	wantCode(t, s.CreateClientUser(ctx, third, base), dateline.EFORBIDDEN)
	// A disabled user takes no seat.
	third.Disabled = true
	if err := s.CreateClientUser(ctx, third, base); err != nil {
		t.Fatal(err)
	}
	third.Disabled = false
	wantCode(t, s.UpdateClientUser(ctx, third), dateline.EFORBIDDEN)
	b.Disabled = true
	if err := s.UpdateClientUser(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateClientUser(ctx, third); err != nil {
		t.Fatalf("enabling within the limit: %v", err)
	}
	// Saving an enabled user again does not count it twice.
	third.Name = "Vera K."
	if err := s.UpdateClientUser(ctx, third); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.UpdateClientUser(ctx, &dateline.ClientUser{ID: 999, Email: "z@portal.example", Name: "Z"}), dateline.ENOTFOUND)
	got, err := s.ClientUserByEmail(ctx, "ANNA@portal.example")
	if err != nil || got.ID != a.ID || got.Role != dateline.ClientAdmin || got.PasswordHash != "h" || !got.CreatedAt.Equal(base) {
		t.Fatalf("ClientUserByEmail = %+v, %v", got, err)
	}
	_, err = s.ClientUserByEmail(ctx, "nobody@portal.example")
	wantCode(t, err, dateline.ENOTFOUND)
	us, err := s.ClientUsers(ctx, c.ID)
	if err != nil || len(us) != 3 || us[2].Name != "Vera K." || !us[1].Disabled {
		t.Fatalf("ClientUsers = %+v, %v", us, err)
	}

	// Eight additions at once to a client with three free seats: three win.
	big := &dateline.Client{Name: "Race", SeatLimit: 3}
	if err := s.CreateClient(ctx, big, base); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.CreateClientUser(ctx, &dateline.ClientUser{ClientID: big.ID, Email: string(rune('a'+i)) + "@race.example", Name: "R"}, base)
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if dateline.ErrorCode(err) != dateline.EFORBIDDEN {
			t.Errorf("concurrent addition: %v", err)
		}
	}
	if us, _ := s.ClientUsers(ctx, big.ID); ok != 3 || len(us) != 3 {
		t.Errorf("%d additions succeeded, %d users; want 3", ok, len(us))
	}
}

// testClientTokens checks that a token may belong to a client, that the
// staff's list leaves it out, and that only a read token may.
func testClientTokens(t *testing.T, s dateline.Store) {
	c := &dateline.Client{Name: "Tokens"}
	if err := s.CreateClient(ctx, c, base); err != nil {
		t.Fatal(err)
	}
	staff := &dateline.Token{Name: "staff", Scope: "read", Hash: bytes.Repeat([]byte{1}, 32)}
	own := &dateline.Token{Name: "client", Scope: "read", ClientID: c.ID, Hash: bytes.Repeat([]byte{2}, 32)}
	for _, tok := range []*dateline.Token{staff, own} {
		if err := s.CreateToken(ctx, tok, base); err != nil {
			t.Fatal(err)
		}
	}
	wantCode(t, s.CreateToken(ctx, &dateline.Token{Name: "w", Scope: "write", ClientID: c.ID, Hash: bytes.Repeat([]byte{3}, 32)}, base), dateline.EINVALID)
	wantCode(t, s.CreateToken(ctx, &dateline.Token{Name: "e", Scope: "read", Embargo: true, ClientID: c.ID, Hash: bytes.Repeat([]byte{4}, 32)}, base), dateline.EINVALID)
	wantCode(t, s.CreateToken(ctx, &dateline.Token{Name: "x", Scope: "read", ClientID: 999, Hash: bytes.Repeat([]byte{5}, 32)}, base), dateline.ENOTFOUND)
	if got, err := s.TokenByHash(ctx, own.Hash); err != nil || got.ClientID != c.ID {
		t.Fatalf("TokenByHash = %+v, %v", got, err)
	}
	if got, err := s.TokenByHash(ctx, staff.Hash); err != nil || got.ClientID != 0 {
		t.Fatalf("TokenByHash(staff) = %+v, %v", got, err)
	}
	if ts, err := s.Tokens(ctx); err != nil || len(ts) != 1 || ts[0].ID != staff.ID {
		t.Errorf("Tokens = %+v, %v; want the staff token only", ts, err)
	}
	if ts, err := s.ClientTokens(ctx, c.ID); err != nil || len(ts) != 1 || ts[0].ID != own.ID || ts[0].ClientID != c.ID {
		t.Errorf("ClientTokens = %+v, %v", ts, err)
	}
	if err := s.DeleteToken(ctx, own.ID); err != nil {
		t.Fatal(err)
	}
	_, err := s.TokenByHash(ctx, own.Hash)
	wantCode(t, err, dateline.EUNAUTHORIZED)
}
