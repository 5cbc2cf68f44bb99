package newsroom

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"dateline"
	"dateline/http/newsroom/clientadmin"
	"dateline/http/newsroom/liveadmin"
	"dateline/http/web"
)

// kit is what every area of the newsroom shares: the site it edits, the
// clock, the log, its pages and error pages, and the audit log.
type kit struct {
	site       Site
	siteConfig any // the site's configuration, as the templates show it
	log        *slog.Logger
	now        func() time.Time
	auditLog   auditLog
}

// auditLog is where the newsroom records who did what.
type auditLog interface {
	AddAudit(ctx context.Context, e *dateline.AuditEntry, now time.Time) error
}

func (s *kit) loc(r *http.Request) *time.Location { return s.site.Zone(r).Location() }

func (s *kit) hasSection(slug string) bool { return s.section(slug) != nil }

func (s *kit) section(slug string) *dateline.Section {
	for _, sec := range s.site.Sections() {
		if sec.Slug == slug {
			return &sec
		}
	}
	return nil
}

// nrView is what every newsroom template receives.
type nrView struct {
	Title    string
	Site     any // the site's configuration
	Session  *dateline.Session
	Sections []dateline.Section
	Zone     Zone
	Nav      string
	Flash    string
	Editor   bool // load the story editor's script and styles
	Data     any
}

// flashes are the messages a redirect after a write may ask for; only
// these fixed texts are shown.
var flashes = map[string]string{
	"saved":         "Saved.",
	"posted":        "Posted.",
	"submitted":     "Submitted to the editors.",
	"published":     "Published: the story is on the site.",
	"scheduled":     "Scheduled: the story will be published at the time set.",
	"withdrawn":     "Withdrawn: the story has left every list.",
	"restored":      "The revision was restored as a new version.",
	"reinstated":    "Restored: the story is published again.",
	"returned":      "Back to draft.",
	"uploaded":      "Uploaded. Add a caption and a credit.",
	"password":      "Your password was changed. Other sessions were signed out.",
	"created":       "Created.",
	"deleted":       "Deleted.",
	"draft-deleted": "The draft was deleted.",
	"noted":         "The note was added.",
	"shown":         "Published: it is on the site.",
	"taken-off":     "Withdrawn: it has left the site; its address says so.",
}

func (s *kit) renderNewsroom(w http.ResponseWriter, r *http.Request, code int, page, title string, sess *dateline.Session, data any) {
	s.renderNewsroomView(w, r, code, page, &nrView{Title: title, Session: sess, Data: data})
}

func (s *kit) renderNewsroomView(w http.ResponseWriter, r *http.Request, code int, page string, v *nrView) {
	v.Site, v.Sections, v.Zone = s.siteConfig, s.site.Sections(), s.site.Zone(r)
	if v.Flash == "" {
		v.Flash = flashes[r.URL.Query().Get("done")]
	}
	var buf bytes.Buffer
	if err := s.site.Render(&buf, page, v); err != nil {
		s.log.Error("render newsroom", "page", page, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	web.WriteHTML(w, code, "no-store", buf.Bytes())
}

// liveKit lends the live story's page (package liveadmin) the
// newsroom's frame, clock and audit log.
func (s *kit) liveKit() *liveadmin.Kit {
	return &liveadmin.Kit{
		Render: func(w http.ResponseWriter, r *http.Request, code int, page, title string, data any) {
			s.renderNewsroomView(w, r, code, page, &nrView{Title: title, Session: sessionOf(r), Nav: "desk", Data: data})
		},
		User:           func(r *http.Request) *dateline.User { return sessionOf(r).User },
		Audit:          s.audit,
		StoriesChanged: s.site.StoriesChanged,
		Now:            s.now,
	}
}

// clientKit lends the client wire's admin pages (package clientadmin)
// the newsroom's frame, clock and audit log.
func (s *kit) clientKit() *clientadmin.Kit {
	return &clientadmin.Kit{
		Render: func(w http.ResponseWriter, r *http.Request, code int, page string, v *clientadmin.View) {
			s.renderNewsroomView(w, r, code, page, &nrView{Title: v.Title, Session: sessionOf(r), Nav: v.Nav, Flash: v.Flash, Data: v.Data})
		},
		User:     func(r *http.Request) *dateline.User { return sessionOf(r).User },
		Audit:    s.audit,
		Sections: s.site.Sections,
		Now:      s.now,
	}
}

type messagePage struct {
	Heading, Message, Back, Secret string
	Error                          bool
}

// newsroomError answers a newsroom request that cannot be done: JSON for
// the newsroom's own API, a page otherwise.
func (s *kit) newsroomError(w http.ResponseWriter, r *http.Request, code int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	retryLater(w, code)
	if strings.HasPrefix(r.URL.Path, "/newsroom/api/") || strings.HasSuffix(r.URL.Path, "/autosave") || r.Header.Get("Accept") == "application/json" {
		web.WriteJSON(w, code, map[string]any{"error": map[string]any{"status": code, "message": msg}})
		return
	}
	back := ""
	if ref := r.Header.Get("Referer"); ref != "" {
		if u, err := url.Parse(ref); err == nil && u.Host == r.Host && strings.HasPrefix(u.Path, "/newsroom/") {
			back = u.RequestURI()
		}
	}
	heading := errorHeadings[code]
	if heading == "" {
		heading = "That did not work"
	}
	s.renderNewsroom(w, r, code, "message", heading, sessionOf(r), messagePage{Heading: heading, Message: msg, Back: back, Error: true})
}

// errorHeadings head the error pages in words for people, not the
// protocol's names of the codes.
var errorHeadings = map[int]string{
	http.StatusBadRequest:            "Something needs changing",
	http.StatusUnauthorized:          "Please sign in",
	http.StatusForbidden:             "Not allowed for you",
	http.StatusNotFound:              "Nothing here",
	http.StatusConflict:              "Someone else changed this",
	http.StatusGone:                  "No longer here",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusUnprocessableEntity:   "That cannot be done",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusServiceUnavailable:    "Busy: try again shortly",
}

// retryLater tells the client of a 503 when to try again.
func retryLater(w http.ResponseWriter, code int) {
	if code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "" {
		w.Header().Set("Retry-After", "30")
	}
}

// fail answers with a stored error's status and message.
func (s *kit) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := dateline.ErrorCode(err)
	if code == dateline.EINTERNAL {
		s.log.Error("newsroom", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	s.newsroomError(w, r, web.Status(code), dateline.ErrorMessage(err))
}

func canPublish(r dateline.Role) bool { return r.CanPublish() }
func canAdmin(r dateline.Role) bool   { return r.CanAdmin() }

func pathID(r *http.Request, name string) (int64, error) { return web.PathID(r, name) }

// audit records an action; a failure to record is logged, not shown.
func (s *kit) audit(ctx context.Context, u *dateline.User, action, target, detail string) {
	e := &dateline.AuditEntry{At: s.now(), Action: action, Target: target, Detail: truncate(detail, 500)}
	if u != nil {
		e.UserID, e.UserName = u.ID, u.Name
	}
	if err := s.auditLog.AddAudit(ctx, e, time.Now()); err != nil {
		s.log.Error("audit", "action", action, "err", err)
	}
}
