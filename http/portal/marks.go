package portal

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"dateline"
	"dateline/i18n"
	"dateline/ingest"
)

// handleBookmark is POST /wire/items/{id}/bookmark: keep (op=add) or
// forget (op=remove) an item the user may open.
func (h *Handler) handleBookmark(w http.ResponseWriter, r *http.Request) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	e, err := h.entitlement(r)
	if err != nil {
		return err
	}
	uid := sessionOf(r).UserID
	done := "unmarked"
	switch r.PostFormValue("op") {
	case "add":
		if _, err := h.visible(r, id, &e); err != nil {
			return err
		}
		err, done = h.store.AddBookmark(r.Context(), uid, id, h.now()), "bookmarked"
	case "remove":
		err = h.store.RemoveBookmark(r.Context(), uid, id)
	default:
		return dateline.Errorf(dateline.EINVALID, "A bookmark is added or removed.")
	}
	if err != nil {
		return err
	}
	back := "/wire/items/" + strconv.FormatInt(id, 10)
	if next := r.PostFormValue("next"); next != "" {
		back = safeNext(next)
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done="+done, http.StatusSeeOther)
	return nil
}

type bookmarksPage struct {
	Items []item
	CSRF  string
}

func (bookmarksPage) nav() string { return "bookmarks" }

// handleBookmarks is GET /wire/bookmarks: the kept items the user may
// still open (an item a contract no longer covers is not shown).
func (h *Handler) handleBookmarks(w http.ResponseWriter, r *http.Request) error {
	e, err := h.entitlement(r)
	if err != nil {
		return err
	}
	ids, err := h.store.Bookmarks(r.Context(), sessionOf(r).UserID)
	if err != nil {
		return err
	}
	list, err := h.store.ArticlesByID(r.Context(), ids)
	if err != nil {
		return err
	}
	byID := map[int64]*dateline.Article{}
	for _, a := range list {
		byID[a.ID] = a
	}
	page := bookmarksPage{CSRF: sessionOf(r).CSRF}
	for _, id := range ids {
		if a := byID[id]; a != nil && e.Shows(a) {
			it := h.item(a, &e)
			it.Bookmark = true
			page.Items = append(page.Items, it)
		}
	}
	h.render(w, r, http.StatusOK, "bookmarks", i18n.T(lang(r), "Bookmarks"), page)
	return nil
}

type followsPage struct {
	Follows []dateline.Follow
	CSRF    string
	Kind    string
	Value   string
	Message string
}

func (followsPage) nav() string { return "follows" }

func (h *Handler) handleFollows(w http.ResponseWriter, r *http.Request) error {
	return h.renderFollows(w, r, http.StatusOK, "", "", "")
}

func (h *Handler) renderFollows(w http.ResponseWriter, r *http.Request, code int, msg, kind, value string) error {
	fs, err := h.store.Follows(r.Context(), sessionOf(r).UserID)
	if err != nil {
		return err
	}
	h.render(w, r, code, "follows", i18n.T(lang(r), "Following"), followsPage{Follows: fs, CSRF: sessionOf(r).CSRF, Message: msg, Kind: kind, Value: value})
	return nil
}

// handleFollow is POST /wire/follows: follow a topic or person (by slug)
// or a search (words).
func (h *Handler) handleFollow(w http.ResponseWriter, r *http.Request) error {
	f := &dateline.Follow{UserID: sessionOf(r).UserID, Kind: r.PostFormValue("kind"), Value: r.PostFormValue("value")}
	err := h.store.AddFollow(r.Context(), f, h.now())
	if code := dateline.ErrorCode(err); code == dateline.EINVALID || code == dateline.ECONFLICT {
		return h.renderFollows(w, r, http.StatusBadRequest, dateline.ErrorMessage(err), f.Kind, f.Value)
	} else if err != nil {
		return err
	}
	// Alerts speak the portal's language of the last follow.
	if err := h.store.SetAlertLang(r.Context(), f.UserID, string(lang(r))); err != nil {
		return err
	}
	http.Redirect(w, r, "/wire/follows?done=followed", http.StatusSeeOther)
	return nil
}

// handleUnfollow is POST /wire/follows/{id}/delete.
func (h *Handler) handleUnfollow(w http.ResponseWriter, r *http.Request) error {
	id, err := itemID(r)
	if err != nil {
		return err
	}
	if err := h.store.DeleteFollow(r.Context(), sessionOf(r).UserID, id); err != nil {
		return err
	}
	http.Redirect(w, r, "/wire/follows?done=unfollowed", http.StatusSeeOther)
	return nil
}

// Alert is a client user to tell of a new item, and what they follow
// that it matches.
type Alert struct {
	User    dateline.ClientUser
	Follows []dateline.Follow
}

// AlertStore is what Alerts reads.
type AlertStore interface {
	FollowsFor(ctx context.Context, topics, persons []string) ([]dateline.Follow, error)
	ClientUser(ctx context.Context, id int64) (*dateline.ClientUser, error)
	Entitlement(ctx context.Context, clientID int64, now time.Time) (dateline.Entitlement, error)
}

// Alerts lists, for a new item (read whole, with its tags), the enabled
// client users who follow something it matches and whose company's
// entitlement at now shows it: the seam where package mail's alerts
// start. An item outside a user's products alerts no one of that company.
func Alerts(ctx context.Context, st AlertStore, a *dateline.Article, now time.Time) ([]Alert, error) {
	var topics, persons []string
	for _, t := range a.Topics {
		topics = append(topics, t.Slug)
	}
	for _, p := range a.Persons {
		persons = append(persons, p.Slug)
	}
	fs, err := st.FollowsFor(ctx, topics, persons)
	if err != nil {
		return nil, err
	}
	shows := map[int64]bool{} // by client
	byUser := map[int64]*Alert{}
	var order []int64
	for _, f := range fs {
		if !f.Matches(a) {
			continue
		}
		if al := byUser[f.UserID]; al != nil {
			al.Follows = append(al.Follows, f)
			continue
		}
		u, err := st.ClientUser(ctx, f.UserID)
		if dateline.ErrorCode(err) == dateline.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if u.Disabled {
			continue
		}
		ok, seen := shows[u.ClientID]
		if !seen {
			e, err := st.Entitlement(ctx, u.ClientID, now)
			if err != nil {
				return nil, err
			}
			ok = e.Shows(a)
			shows[u.ClientID] = ok
		}
		if ok {
			byUser[u.ID] = &Alert{User: *u, Follows: []dateline.Follow{f}}
			order = append(order, u.ID)
		}
	}
	out := make([]Alert, 0, len(order))
	for _, id := range order {
		out = append(out, *byUser[id])
	}
	return out, nil
}

type peoplePage struct {
	Users   []dateline.ClientUser
	Seats   int
	Used    int
	CSRF    string
	Email   string
	Name    string
	Message string
}

func (peoplePage) nav() string { return "people" }

// handlePeople is GET /wire/people, for a client's admins: the
// company's people and the invitation form.
func (h *Handler) handlePeople(w http.ResponseWriter, r *http.Request) error {
	return h.renderPeople(w, r, http.StatusOK, "", "", "")
}

func (h *Handler) renderPeople(w http.ResponseWriter, r *http.Request, code int, msg, email, name string) error {
	c := clientOf(r)
	us, err := h.store.ClientUsers(r.Context(), c.ID)
	if err != nil {
		return err
	}
	page := peoplePage{Users: us, Seats: c.SeatLimit, CSRF: sessionOf(r).CSRF, Message: msg, Email: email, Name: name}
	for _, u := range us {
		if !u.Disabled {
			page.Used++
		}
	}
	h.render(w, r, code, "people", i18n.T(lang(r), "People"), page)
	return nil
}

// handleInvite is POST /wire/people: a client's admin invites a
// colleague (a member) within the seat limit; the one-time link is shown
// once, to pass on.
func (h *Handler) handleInvite(w http.ResponseWriter, r *http.Request) error {
	c := clientOf(r)
	email, name := strings.TrimSpace(r.PostFormValue("email")), ingest.PlainText(r.PostFormValue("name"))
	u := &dateline.ClientUser{ClientID: c.ID, Email: email, Name: name, Role: dateline.ClientMember}
	err := h.store.CreateClientUser(r.Context(), u, h.now())
	switch dateline.ErrorCode(err) {
	case "":
	case dateline.EFORBIDDEN:
		return h.renderPeople(w, r, http.StatusForbidden, i18n.T(lang(r), "Every seat of your company is taken (%d of %d). Ask the agency for more seats, or to disable someone who has left.", c.SeatLimit, c.SeatLimit), email, name)
	case dateline.EINVALID, dateline.ECONFLICT:
		msg := dateline.ErrorMessage(err)
		if dateline.ErrorCode(err) == dateline.ECONFLICT {
			msg = "Someone with this email has an account already."
		}
		return h.renderPeople(w, r, http.StatusBadRequest, msg, email, name)
	default:
		return err
	}
	l := lang(r)
	letter, err := Invite(r.Context(), h.store, h.cfg.BaseURL, h.cfg.SiteName, u, l, h.now())
	if err != nil {
		return err
	}
	msg, err := InvitationSent(r.Context(), h.store, letter, h.cfg.Mail, h.now())
	if err != nil {
		return err
	}
	h.render(w, r, http.StatusCreated, "message", i18n.T(l, "Invitation made"), messagePage{Heading: "Invitation made",
		Message: msg, Secret: letter.Link, Back: "/wire/people"})
	return nil
}

// handleStream is GET /wire/stream: the live events of the company's
// entitlement (Server-Sent Events), for the wire page's script.
func (h *Handler) handleStream(w http.ResponseWriter, r *http.Request) error {
	e, err := h.entitlement(r)
	if err != nil {
		return err
	}
	if h.cfg.Stream == nil {
		return dateline.Errorf(dateline.ENOTFOUND, "The live stream is not served on this node.")
	}
	// The session and the entitlement were checked when the stream began:
	// it ends after streamLife, and the browser's reconnection passes the
	// guard again (a signed-out user, an ended contract or a dropped
	// product then stops it).
	ctx, cancel := context.WithTimeout(r.Context(), streamLife)
	defer cancel()
	return h.cfg.Stream(w, r.WithContext(ctx), e)
}

// streamLife is how long one connection of the live stream lasts.
const streamLife = 2 * time.Minute
