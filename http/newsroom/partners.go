package newsroom

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"dateline"
	"dateline/http/web"
	"dateline/ingest"
)

// PartnerFetcher is what the partner pages need of partners.Scheduler:
// vetting a new feed's address and fetching a feed at once.
type PartnerFetcher interface {
	// CheckURL returns EINVALID when the address may not be fetched.
	CheckURL(ctx context.Context, raw string) error
	// FetchNow fetches the feed and returns it with its new state.
	FetchNow(ctx context.Context, id int64) (*dateline.PartnerFeed, error)
}

// partnerFeeds is the admins' page of partner feeds.
type partnerFeeds struct {
	*kit
	store   partnerStore
	fetcher PartnerFetcher // nil: partner feeds are not fetched on this node
}

// partnerStore is what the partner feeds page needs of the store.
type partnerStore interface {
	PartnerFeeds(ctx context.Context) ([]dateline.PartnerFeed, error)
	PartnerFeed(ctx context.Context, id int64) (*dateline.PartnerFeed, error)
	CreatePartnerFeed(ctx context.Context, f *dateline.PartnerFeed, now time.Time) error
	DeletePartnerFeed(ctx context.Context, id int64) error
}

type partnersPage struct {
	Feeds   []dateline.PartnerFeed
	Enabled bool // a fetcher is configured: feeds can be added and fetched
	Form    dateline.PartnerFeed
}

func (s *partnerFeeds) handlePartners(w http.ResponseWriter, r *http.Request) error {
	s.renderPartners(w, r, http.StatusOK, "", dateline.PartnerFeed{Kind: dateline.PartnerNews})
	return nil
}

// renderPartners shows the list with a message (a refusal, or what a
// fetch did) and the add form filled with form.
func (s *partnerFeeds) renderPartners(w http.ResponseWriter, r *http.Request, code int, msg string, form dateline.PartnerFeed) {
	ps := s.store
	fs, err := ps.PartnerFeeds(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderNewsroomView(w, r, code, "partners", &nrView{Title: "Partner feeds", Session: sessionOf(r), Nav: "partners", Flash: msg,
		Data: partnersPage{Feeds: fs, Enabled: s.fetcher != nil, Form: form}})
}

// handleAddPartner registers a feed after checking its address: http or
// https, and a host that is not private. The scheduler fetches it soon.
func (s *partnerFeeds) handleAddPartner(w http.ResponseWriter, r *http.Request) error {
	ps := s.store
	f := dateline.PartnerFeed{Name: ingest.PlainText(r.PostFormValue("name")), URL: r.PostFormValue("url"), Kind: r.PostFormValue("kind"), CreatedAt: s.now()}
	refuse := func(err error) {
		if dateline.ErrorCode(err) == dateline.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.renderPartners(w, r, web.Status(dateline.ErrorCode(err)), dateline.ErrorMessage(err), f)
	}
	if s.fetcher == nil {
		refuse(dateline.Errorf(dateline.EINVALID, "Partner feeds are not fetched on this node, so none can be added."))
		return nil
	}
	if err := f.Validate(); err != nil {
		refuse(err)
		return nil
	}
	if err := s.fetcher.CheckURL(r.Context(), f.URL); err != nil {
		refuse(err)
		return nil
	}
	if err := ps.CreatePartnerFeed(r.Context(), &f, time.Now()); err != nil {
		refuse(err)
		return nil
	}
	s.audit(r.Context(), sessionOf(r).User, "partner.create", "partner "+strconv.FormatInt(f.ID, 10), f.Name+" ("+f.Kind+") "+f.URL)
	http.Redirect(w, r, "/newsroom/partners?done=created", http.StatusSeeOther)
	return nil
}

func (s *partnerFeeds) handleDeletePartner(w http.ResponseWriter, r *http.Request) error {
	ps := s.store
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	f, err := ps.PartnerFeed(r.Context(), id)
	if err != nil {
		return err
	}
	if err := ps.DeletePartnerFeed(r.Context(), id); err != nil {
		return err
	}
	s.site.Changed() // the home page may show its entries
	s.audit(r.Context(), sessionOf(r).User, "partner.delete", "partner "+strconv.FormatInt(id, 10), f.Name+" "+f.URL)
	http.Redirect(w, r, "/newsroom/partners?done=deleted", http.StatusSeeOther)
	return nil
}

// handleFetchPartner fetches a feed now and shows what came of it.
func (s *partnerFeeds) handleFetchPartner(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.fetcher == nil {
		s.newsroomError(w, r, http.StatusBadRequest, "Partner feeds are not fetched on this node.")
		return nil
	}
	f, err := s.fetcher.FetchNow(r.Context(), id)
	if err != nil {
		return err
	}
	msg := "Fetched “" + f.Name + "”: " + entriesText(f.Entries) + "."
	switch f.State.Status {
	case "unchanged":
		msg = "“" + f.Name + "” has not changed since the last fetch: " + entriesText(f.Entries) + " kept."
	case "error":
		msg = "Fetching “" + f.Name + "” failed: " + f.State.Error
	}
	if f.State.Status == "ok" {
		s.site.Changed() // new entries for the home page
	}
	s.audit(r.Context(), sessionOf(r).User, "partner.fetch", "partner "+strconv.FormatInt(id, 10), f.State.Status+" "+f.State.Error)
	s.renderPartners(w, r, http.StatusOK, msg, dateline.PartnerFeed{Kind: dateline.PartnerNews})
	return nil
}

func entriesText(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return strconv.Itoa(n) + " entries"
}
