// Package clientadmin is the newsroom's pages of the client wire for
// admins: clients, their contracts, people, tokens and feed addresses,
// the products, each client's push destinations, and the monthly usage
// with its CSV for billing. The newsroom
// (package http/newsroom) mounts them behind its admin guard and lends
// them its page frame, its clock and its audit log through Kit.
package clientadmin

import (
	"context"
	"net/http"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/internal/netguard"
)

// Kit is what the newsroom lends these pages.
type Kit struct {
	// Render shows one of the newsroom's page templates in its frame.
	Render func(w http.ResponseWriter, r *http.Request, code int, page string, v *View)
	// User is the signed-in admin of the request.
	User func(r *http.Request) *dateline.User
	// Audit records who did what.
	Audit func(ctx context.Context, u *dateline.User, action, target, detail string)
	// Sections is the site's list of sections.
	Sections func() []dateline.Section
	Now      func() time.Time
}

func (k *Kit) now() time.Time { return k.Now() }

func (k *Kit) audit(ctx context.Context, u *dateline.User, action, target, detail string) {
	k.Audit(ctx, u, action, target, detail)
}

// View is a page of these: the newsroom's frame adds the session.
type View struct {
	Title, Nav, Flash string
	Data              any
}

// Message is the newsroom's message page: a heading, words, a secret
// shown once, and the way back.
type Message struct {
	Heading, Message, Back, Secret string
	Error                          bool
}

// Store is what these pages need of the store.
type Store interface {
	clientsStore
	pushStore
}

// HandlerFunc is a handler of these pages: the newsroom answers the
// error it returns.
type HandlerFunc func(http.ResponseWriter, *http.Request) error

// Admin is the pages.
type Admin struct {
	clients *clientsAdmin
	push    *pushAdmin
}

// New makes the pages; baseURL makes the feed and invitation addresses
// whole, siteName is the site's name in invitations, guard is the policy
// push destinations' addresses must pass, mailOn whether email is set up
// (invitations are then emailed too).
func New(store Store, k *Kit, baseURL, siteName string, guard netguard.Policy, mailOn bool) *Admin {
	return &Admin{
		clients: &clientsAdmin{Kit: k, store: store, baseURL: baseURL, siteName: siteName, mailOn: mailOn},
		push:    &pushAdmin{Kit: k, store: store, guard: guard},
	}
}

// Routes registers the pages on m, each through admin (the newsroom's
// guard: a live session of an admin, the CSRF token on writes).
func (a *Admin) Routes(m *http.ServeMux, admin func(HandlerFunc) http.HandlerFunc) {
	cl := a.clients
	m.HandleFunc("GET /newsroom/clients", admin(cl.handleClients))
	m.HandleFunc("POST /newsroom/clients", admin(cl.handleCreateClient))
	m.HandleFunc("GET /newsroom/clients/{id}", admin(cl.handleClient))
	m.HandleFunc("POST /newsroom/clients/{id}", admin(cl.handleSaveClient))
	m.HandleFunc("POST /newsroom/clients/{id}/products", admin(cl.handleTakeProduct))
	m.HandleFunc("POST /newsroom/clients/{id}/products/{pid}/drop", admin(cl.handleDropProduct))
	m.HandleFunc("POST /newsroom/clients/{id}/users", admin(cl.handleAddClientUser))
	m.HandleFunc("POST /newsroom/clients/{id}/users/{uid}", admin(cl.handleSaveClientUser))
	m.HandleFunc("POST /newsroom/clients/{id}/users/{uid}/invite", admin(cl.handleInviteClientUser))
	m.HandleFunc("POST /newsroom/clients/{id}/users/{uid}/password", admin(cl.handleClientPassword))
	m.HandleFunc("POST /newsroom/clients/{id}/tokens", admin(cl.handleCreateClientToken))
	m.HandleFunc("POST /newsroom/clients/{id}/tokens/{tid}/delete", admin(cl.handleDeleteClientToken))
	m.HandleFunc("POST /newsroom/clients/{id}/feed-key", admin(cl.handleRotateFeedKey))
	pu := a.push
	m.HandleFunc("GET /newsroom/clients/{id}/push", admin(pu.handlePush))
	m.HandleFunc("POST /newsroom/clients/{id}/push", admin(pu.handleAdd))
	m.HandleFunc("POST /newsroom/clients/{id}/push/{did}/delete", admin(pu.handleDelete))
	m.HandleFunc("POST /newsroom/clients/{id}/push/{did}/replay", admin(pu.handleReplay))
	m.HandleFunc("POST /newsroom/clients/{id}/push/{did}/{op}", admin(pu.handlePause))
	m.HandleFunc("GET /newsroom/products", admin(cl.handleProducts))
	m.HandleFunc("POST /newsroom/products", admin(cl.handleSaveProduct))
	m.HandleFunc("GET /newsroom/products/{id}", admin(cl.handleProduct))
	m.HandleFunc("POST /newsroom/products/{id}", admin(cl.handleSaveProduct))
	m.HandleFunc("GET /newsroom/usage", admin(cl.handleUsage))
	m.HandleFunc("GET /newsroom/usage.csv", admin(cl.handleUsageCSV))
}

func pathID(r *http.Request, name string) (int64, error) { return web.PathID(r, name) }
