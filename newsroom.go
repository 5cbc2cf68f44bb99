package dateline

import (
	"context"
	"encoding/json"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// StatusSubmitted is a story a reporter has handed to the editors. It is
// not public. Engines keep it as a draft with a submission time, so the
// stored status keeps four values.
const StatusSubmitted Status = "submitted"

// Role is what a newsroom account may do.
type Role string

const (
	RoleAdmin    Role = "admin"    // everything, including people, sections and tokens
	RoleEditor   Role = "editor"   // edit and publish any story, curate the home page
	RoleReporter Role = "reporter" // write own stories and submit them
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleEditor || r == RoleReporter }

// CanPublish reports whether the role may publish, schedule, correct and
// withdraw stories, edit anyone's story and curate the home page.
func (r Role) CanPublish() bool { return r == RoleAdmin || r == RoleEditor }

// CanAdmin reports whether the role may manage people, sections, tokens
// and read the audit log.
func (r Role) CanAdmin() bool { return r == RoleAdmin }

// User is a newsroom account. PasswordHash is an encoded argon2id hash.
type User struct {
	ID           int64
	Email        string
	Name         string
	Role         Role
	PasswordHash string
	Disabled     bool
	Failures     int       // failed sign-ins since the last success or lockout
	LockedUntil  time.Time // sign-in refused until then
	CreatedAt    time.Time
}

// Validate checks the email, name and role. Returns EINVALID.
func (u *User) Validate() error {
	if err := validPerson(&u.Email, &u.Name); err != nil {
		return err
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "A role is admin, editor or reporter, not %q.", truncateText(string(u.Role), 40))
	}
	return nil
}

// validPerson trims and checks a person's email and name (a newsroom
// account's or a client user's). Returns EINVALID.
func validPerson(email, name *string) error {
	*email, *name = strings.TrimSpace(*email), strings.TrimSpace(*name)
	if a, err := mail.ParseAddress(*email); err != nil || a.Address != *email || len(*email) > 254 {
		return Errorf(EINVALID, "%q is not an email address such as anna@example.org.", truncateText(*email, 80))
	}
	if !oneLine(*name, 100) {
		return Errorf(EINVALID, "A person needs a name of 1 to 100 characters on one line.")
	}
	return nil
}

// Session is a signed-in browser. Only the SHA-256 of its secret is
// stored; CSRF is the token every form and write of the session carries.
type Session struct {
	ID        int64
	Hash      []byte
	UserID    int64
	CSRF      string
	CreatedAt time.Time
	ExpiresAt time.Time
	User      *User // filled by Store.Session
}

// Correction is a dated note at the end of a story saying what was
// corrected.
type Correction struct {
	At   time.Time
	Text string
}

// Draft is the editable content of an article as the newsroom saves it:
// what revisions, autosaves and conflict copies keep. Body is the whole
// story with page-break markers between pages.
type Draft struct {
	Headline   string   `json:"headline"`
	Lead       string   `json:"lead"`
	Body       string   `json:"body"`
	Section    string   `json:"section"`
	Lang       string   `json:"lang"`
	Place      string   `json:"place,omitempty"`
	Byline     string   `json:"byline,omitempty"`
	Topics     []string `json:"topics,omitempty"`
	Persons    []string `json:"persons,omitempty"`
	PhotoID    int64    `json:"photo_id,omitempty"`
	Caption    string   `json:"caption,omitempty"`
	Credit     string   `json:"credit,omitempty"`
	Urgency    int      `json:"urgency"`
	Breaking   bool     `json:"breaking,omitempty"`
	Commercial string   `json:"commercial,omitempty"`
	Follows    int64    `json:"follows,omitempty"`
	// TranslationOf is the story this one translates: a story in
	// another edition's language.
	TranslationOf int64  `json:"translation_of,omitempty"`
	Advisory      string `json:"advisory,omitempty"`
	// MetaDescription and SocialHeadline are the story's words for
	// search results and shared links.
	MetaDescription string    `json:"meta_description,omitempty"`
	SocialHeadline  string    `json:"social_headline,omitempty"`
	Status          Status    `json:"status"`
	EmbargoUntil    time.Time `json:"embargo_until,omitzero"`
	Embargoed       bool      `json:"embargoed,omitempty"`
}

// DraftOf is the editable content of a stored article, as a revision
// keeps it: the wire's versions are recorded with it.
func DraftOf(a *Article) Draft {
	d := Draft{Headline: a.Headline, Lead: a.Lead, Body: strings.Join(a.Pages, "\n<hr class=\"page-break\">\n"),
		Section: a.Section, Lang: a.Lang, Place: a.Place, Byline: a.Byline, Urgency: a.Urgency, Breaking: a.Breaking,
		Commercial: a.Commercial, Follows: a.Follows, Advisory: a.Advisory, Status: a.Status, Embargoed: a.Embargoed,
		MetaDescription: a.MetaDescription, SocialHeadline: a.SocialHeadline}
	if a.Status == StatusScheduled || a.Status == StatusWithheld {
		d.EmbargoUntil = a.EmbargoUntil
	}
	for _, t := range a.Topics {
		d.Topics = append(d.Topics, t.Name)
	}
	for _, p := range a.Persons {
		d.Persons = append(d.Persons, p.Name)
	}
	if a.Photo != nil {
		d.PhotoID, d.Caption, d.Credit = a.Photo.ID, a.Photo.Caption, a.Photo.Credit
	}
	return d
}

// Encode returns the draft as JSON.
func (d *Draft) Encode() []byte {
	b, _ := json.Marshal(d)
	return b
}

// DecodeDraft reads a draft written by Encode. Returns EINVALID.
func DecodeDraft(b []byte) (*Draft, error) {
	var d Draft
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, Errorf(EINVALID, "The saved draft cannot be read.")
	}
	return &d, nil
}

// Revision kinds.
const (
	RevisionSave     = "save"
	RevisionRestore  = "restore"
	RevisionConflict = "conflict"
	// RevisionNote is a note left on a story without changing it (the
	// story as it was, with the note's text).
	RevisionNote = "note"
	// RevisionWire is a version received from the wire; its note names
	// the version and the sender (VersionNote).
	RevisionWire = "wire"
	// RevisionWireRefused is a version the wire sent that was refused
	// (a withdrawn story, an embargo on a public one); its note says why.
	RevisionWireRefused = "wire-refused"
)

// Revision is one saved state of an article. Version is the article's
// version it made (for a conflict copy: the version it was based on).
type Revision struct {
	ID        int64
	ArticleID int64
	Version   int
	Kind      string
	UserID    int64
	UserName  string
	Note      string
	Data      []byte // Draft as JSON
	CreatedAt time.Time
	// TranslationOf, when not nil, is the story the article translates
	// (0: none) as the save sets it: SaveArticle links the article to it
	// in the save's transaction, so a refused link refuses the save. Nil
	// leaves the links as they are. Not stored with the revision.
	TranslationOf *int64
}

// Autosave is the editor's latest unsaved state for one person and story.
type Autosave struct {
	ArticleID int64
	UserID    int64
	Base      int // the article version the edit started from
	Data      []byte
	SavedAt   time.Time
}

// DeskFilter selects articles of any status for the newsroom's list,
// most recently changed first.
type DeskFilter struct {
	Status   Status // "" for all
	Section  string
	AuthorID int64
	// VisibleTo, when not 0, is a reporter's account: the list holds
	// only the stories of that author (any status) and published ones,
	// as the README's "Who sees what in the newsroom" says.
	VisibleTo int64
	Query     string // words the headline contains
	Limit     int
	Offset    int
}

// Story is a running story ("Conflict in Syria"): an introduction the
// editors write and the timeline of the articles they attach.
type Story struct {
	ID        int64
	Slug      string
	Title     string
	Intro     string // sanitised HTML
	CreatedAt time.Time
	UpdatedAt time.Time
	Articles  []Article // published, newest first; filled by Story
}

// Validate checks the story's slug and title. Returns EINVALID.
func (s *Story) Validate() error {
	s.Title = strings.TrimSpace(s.Title)
	if s.Title == "" || utf8.RuneCountInString(s.Title) > 200 {
		return Errorf(EINVALID, "A story page needs a title of 1 to 200 characters.")
	}
	if s.Slug == "" {
		s.Slug = Slugify(s.Title)
	}
	if s.Slug == "" || len(s.Slug) > 80 || Slugify(s.Slug) != s.Slug {
		return Errorf(EINVALID, "A story page's address is lower-case letters, digits and hyphens, not %q.", truncateText(s.Slug, 80))
	}
	return nil
}

// TopItem is one entry of the home page's top stories: an article or a
// running story.
type TopItem struct {
	Article *Article
	Story   *Story // with its newest article in Articles, if any
}

// TopRef names a top story by id: exactly one of the two is set.
type TopRef struct {
	ArticleID int64
	StoryID   int64
}

// AuditEntry records who did what and when.
type AuditEntry struct {
	ID       int64
	At       time.Time
	UserID   int64
	UserName string
	Action   string // e.g. "article.publish", "user.create", "login.fail"
	Target   string // e.g. "article 42"
	Detail   string
}

// PhotoFilter selects photos of the library, newest first.
type PhotoFilter struct {
	Before int64  // ids below this one; 0 for the newest
	Query  string // words of the caption or credit
	Limit  int
}

// Newsroom is the storage the newsroom needs beyond reading and ingesting
// stories. Every engine implements it; storetest checks it.
type Newsroom interface {
	// CreateUser stores a new account. Returns ECONFLICT for a known email.
	CreateUser(ctx context.Context, u *User, now time.Time) error
	// UpdateUser saves the email, name, role and disabled flag. A disabled
	// account loses its sessions.
	UpdateUser(ctx context.Context, u *User) error
	// SetPassword replaces the hash, clears failures and lockout, and ends
	// every session of the account.
	SetPassword(ctx context.Context, userID int64, hash string) error
	User(ctx context.Context, id int64) (*User, error)
	// UserByEmail ignores case. Returns ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (*User, error)
	Users(ctx context.Context) ([]User, error)
	// LoginFailed counts a failed sign-in; at limit failures the account
	// is locked until now+lock and the count starts again. Returns the
	// account as it now is.
	LoginFailed(ctx context.Context, userID int64, now time.Time, limit int, lock time.Duration) (*User, error)
	// LoginSucceeded clears failures and lockout, unless the account is
	// locked at now (parallel wrong passwords may have locked it since the
	// right one was checked): then it changes nothing and returns
	// EFORBIDDEN. Returns ENOTFOUND for an unknown account.
	LoginSucceeded(ctx context.Context, userID int64, now time.Time) error

	CreateSession(ctx context.Context, s *Session, now time.Time) error
	// Session returns the live session with the hash and its account.
	// Returns EUNAUTHORIZED when there is none, it expired or the account
	// is disabled.
	Session(ctx context.Context, hash []byte, now time.Time) (*Session, error)
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteExpiredSessions removes sessions that ended before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) error

	// SaveArticle writes a newsroom edit of a.ID (0: a new article) in one
	// transaction with its revision. base is the version the edit started
	// from; when the stored version differs the save is refused with
	// ECONFLICT and nothing changes. It sets a.ID, a.Version and the
	// times as UpsertArticles does (SettleTimes), keeps a.Corrections,
	// links a.Follows into its chain, and stores rev (its ArticleID and
	// Version are filled in). The autosave of rev.UserID for the
	// article is removed. When rev.TranslationOf is set and differs from
	// the article's link (TranslationOf), the article is linked as
	// LinkTranslation does, in the same transaction: a link refused
	// (EINVALID, ENOTFOUND) refuses the save.
	SaveArticle(ctx context.Context, a *Article, base int, rev *Revision, now time.Time) error
	// DeleteDraft removes story id, still at version base, with its
	// revisions, autosaves, corrections and links: only a draft written
	// in the newsroom that readers never saw (DraftRow.Deletable).
	// Returns ENOTFOUND, ECONFLICT (saved since base) and EINVALID (not
	// such a draft).
	DeleteDraft(ctx context.Context, id int64, base int) error
	// DeskArticles lists articles of any status for the newsroom.
	DeskArticles(ctx context.Context, f DeskFilter) ([]Article, error)
	// Revisions lists an article's revisions, newest first, without Data.
	Revisions(ctx context.Context, articleID int64) ([]Revision, error)
	// Revision returns one revision with its data.
	Revision(ctx context.Context, id int64) (*Revision, error)
	// AddRevision stores a revision without changing the article (the
	// conflict copy of a refused save).
	AddRevision(ctx context.Context, rev *Revision, now time.Time) error
	SaveAutosave(ctx context.Context, a *Autosave, now time.Time) error
	// Autosave returns ENOTFOUND when there is none.
	Autosave(ctx context.Context, articleID, userID int64) (*Autosave, error)

	// Photos lists the library.
	Photos(ctx context.Context, f PhotoFilter) ([]Photo, error)
	Photo(ctx context.Context, id int64) (*Photo, error)

	// SaveStory creates (ID 0) or updates a running story. Returns
	// ECONFLICT when the slug is taken.
	SaveStory(ctx context.Context, s *Story, now time.Time) error
	// Story returns the running story with its published articles.
	Story(ctx context.Context, slug string) (*Story, error)
	StoryByID(ctx context.Context, id int64) (*Story, error)
	Stories(ctx context.Context) ([]Story, error)
	// SetStoryArticles replaces the articles attached to the story.
	SetStoryArticles(ctx context.Context, storyID int64, articleIDs []int64, now time.Time) error
	// StoryArticleIDs returns the ids of every article attached to the
	// story, whatever its status, in id order: what an edit of the
	// attachments starts from. Returns ENOTFOUND for an unknown story.
	StoryArticleIDs(ctx context.Context, storyID int64) ([]int64, error)
	// StoriesOf returns the running stories an article is attached to.
	StoriesOf(ctx context.Context, articleID int64) ([]Story, error)
	// TopRefs returns the whole curated list of the home page in order,
	// whatever the status of its articles (TopStories shows only the
	// published ones): what an edit of the list starts from.
	TopRefs(ctx context.Context) ([]TopRef, error)

	Tokens(ctx context.Context) ([]Token, error)
	DeleteToken(ctx context.Context, id int64) error

	// TagSuggest returns up to limit topics ("topics") or persons
	// ("persons") whose name starts with or contains prefix, ignoring case.
	TagSuggest(ctx context.Context, kind, prefix string, limit int) ([]Topic, error)

	AddAudit(ctx context.Context, e *AuditEntry, now time.Time) error
	// AuditLog lists entries newest first, below the id before (0: all).
	AuditLog(ctx context.Context, before int64, limit int) ([]AuditEntry, error)
}

// ValidateEdit checks what a newsroom save needs before it touches a
// database: a known status, a headline unless the story is still being
// written, a URI for a new story. Returns EINVALID.
func (a *Article) ValidateEdit() error {
	if !a.Status.Valid() {
		return Errorf(EINVALID, "Unknown status %q.", a.Status)
	}
	if strings.TrimSpace(a.Headline) == "" && a.Status != StatusDraft && a.Status != StatusSubmitted {
		return Errorf(EINVALID, "A story needs a headline before it is %s.", a.Status)
	}
	if a.ID == 0 && a.URI == "" {
		return Errorf(EINVALID, "A new story needs a URI.")
	}
	return nil
}

func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
