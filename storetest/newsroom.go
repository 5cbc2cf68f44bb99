package storetest

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"dateline"
	"dateline/storetest/clienttest"
	"dateline/storetest/kit"
	"dateline/storetest/livetest"
)

// newsroomTests are the suite's tests of dateline.Newsroom and of what it
// added to articles and the home page; Run runs them with the others.
var newsroomTests = []kit.Test{
	{Name: "Users", Fn: testUsers},
	{Name: "Lockout", Fn: testLockout},
	{Name: "LoginWhileLocked", Fn: testLoginWhileLocked},
	{Name: "Sessions", Fn: testSessions},
	{Name: "SaveArticle", Fn: testSaveArticle},
	{Name: "SaveArticleConflict", Fn: testSaveArticleConflict},
	{Name: "SaveArticleFields", Fn: testSaveArticleFields},
	{Name: "SaveArticleTranslation", Fn: testSaveArticleTranslation},
	{Name: "DeleteDraft", Fn: testDeleteDraft},
	{Name: "IngestNewColumns", Fn: testIngestNewColumns},
	{Name: "Submitted", Fn: testSubmitted},
	{Name: "DeskArticles", Fn: testDeskArticles},
	{Name: "Chain", Fn: testChain},
	{Name: "Corrections", Fn: testCorrections},
	{Name: "WithdrawnLeavesSearchAndLists", Fn: testWithdrawnLeaves},
	{Name: "Revisions", Fn: testRevisions},
	{Name: "Autosaves", Fn: testAutosaves},
	{Name: "PhotoLibrary", Fn: testPhotoLibrary},
	{Name: "Stories", Fn: testStories},
	{Name: "TopStoriesMixed", Fn: testTopStoriesMixed},
	{Name: "StoryArticleIDs", Fn: testStoryArticleIDs},
	{Name: "TopRefs", Fn: testTopRefs},
	{Name: "TokenList", Fn: testTokenList},
	{Name: "TagSuggest", Fn: testTagSuggest},
	{Name: "Audit", Fn: testAudit},
}

func testUsers(t *testing.T, s dateline.Store) {
	anna := mkUser(t, s, "Anna@Example.org", "Anna Petrova", dateline.RoleEditor)
	boris := mkUser(t, s, "boris@example.org", "Boris", dateline.RoleReporter)
	if anna.ID == 0 || boris.ID == anna.ID {
		t.Fatalf("ids %d %d", anna.ID, boris.ID)
	}
	wantCode(t, s.CreateUser(ctx, &dateline.User{Email: "anna@example.ORG", Name: "Other Anna", Role: dateline.RoleReporter}, time.Now()), dateline.ECONFLICT)
	wantCode(t, s.CreateUser(ctx, &dateline.User{Email: "not an email", Name: "X", Role: dateline.RoleReporter}, time.Now()), dateline.EINVALID)
	wantCode(t, s.CreateUser(ctx, &dateline.User{Email: "x@example.org", Name: "X", Role: "owner"}, time.Now()), dateline.EINVALID)

	got, err := s.UserByEmail(ctx, "ANNA@example.org")
	if err != nil || got.ID != anna.ID || got.Email != "Anna@Example.org" || got.Role != dateline.RoleEditor ||
		got.PasswordHash != "$argon2id$test" || !got.CreatedAt.Equal(base) || got.Disabled || got.Failures != 0 || !got.LockedUntil.IsZero() {
		t.Errorf("UserByEmail = %+v, %v", got, err)
	}
	if got, err := s.User(ctx, boris.ID); err != nil || got.Name != "Boris" || got.CreatedAt.Location() != time.UTC {
		t.Errorf("User = %+v, %v", got, err)
	}
	_, err = s.User(ctx, 424242)
	wantCode(t, err, dateline.ENOTFOUND)
	_, err = s.UserByEmail(ctx, "nobody@example.org")
	wantCode(t, err, dateline.ENOTFOUND)

	boris.Name, boris.Role = "Boris Ivanov", dateline.RoleEditor
	if err := s.UpdateUser(ctx, boris); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, boris.ID); got.Name != "Boris Ivanov" || got.Role != dateline.RoleEditor {
		t.Errorf("after update: %+v", got)
	}
	boris.Email = "ANNA@EXAMPLE.ORG"
	wantCode(t, s.UpdateUser(ctx, boris), dateline.ECONFLICT)
	wantCode(t, s.UpdateUser(ctx, &dateline.User{ID: 424242, Email: "z@example.org", Name: "Z", Role: dateline.RoleReporter}), dateline.ENOTFOUND)
	wantCode(t, s.SetPassword(ctx, 424242, "$argon2id$x"), dateline.ENOTFOUND)

	us, err := s.Users(ctx)
	if err != nil || len(us) != 2 || us[0].ID != anna.ID || us[1].Email != "boris@example.org" {
		t.Errorf("Users = %+v, %v", us, err)
	}
}

func testLockout(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleReporter)
	const limit, lock = 3, 15 * time.Minute
	fail := func(now time.Time) *dateline.User {
		t.Helper()
		got, err := s.LoginFailed(ctx, u.ID, now, limit, lock)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i := 1; i < limit; i++ {
		if got := fail(base); got.Failures != i || !got.LockedUntil.IsZero() {
			t.Fatalf("after %d failures: %d, locked until %v", i, got.Failures, got.LockedUntil)
		}
	}
	got := fail(base)
	if got.Failures != 0 || !got.LockedUntil.Equal(base.Add(lock)) {
		t.Fatalf("at the limit: failures %d, locked until %v, want 0 and %v", got.Failures, got.LockedUntil, base.Add(lock))
	}
	if got, _ := s.User(ctx, u.ID); !got.LockedUntil.Equal(base.Add(lock)) {
		t.Errorf("the lock was not stored: %v", got.LockedUntil)
	}
	if err := s.LoginSucceeded(ctx, u.ID, base.Add(lock)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.Failures != 0 || !got.LockedUntil.IsZero() {
		t.Errorf("after success: %d, %v", got.Failures, got.LockedUntil)
	}
	// Locked again, and a new password lifts the lock too.
	for range limit {
		fail(base.Add(time.Hour))
	}
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.User(ctx, u.ID); got.Failures != 0 || !got.LockedUntil.IsZero() || got.PasswordHash != "$argon2id$new" {
		t.Errorf("after SetPassword: %+v", got)
	}
	// Failures at the same moment all count.
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.LoginFailed(ctx, u.ID, base, 100, lock); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got, _ := s.User(ctx, u.ID); got.Failures != 8 {
		t.Errorf("8 failures at once counted %d", got.Failures)
	}
	_, err := s.LoginFailed(ctx, 424242, base, limit, lock)
	wantCode(t, err, dateline.ENOTFOUND)
	wantCode(t, s.LoginSucceeded(ctx, 424242, base), dateline.ENOTFOUND)
}

func testSessions(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleEditor)
	hash := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	open := func(h []byte, userID int64, expires time.Time) {
		t.Helper()
		if err := s.CreateSession(ctx, &dateline.Session{Hash: h, UserID: userID, CSRF: "csrf", CreatedAt: base, ExpiresAt: expires}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	open(hash(1), u.ID, base.Add(time.Hour))
	open(hash(2), u.ID, base.Add(10*time.Minute))
	got, err := s.Session(ctx, hash(1), base)
	if err != nil || got.UserID != u.ID || got.CSRF != "csrf" || !bytes.Equal(got.Hash, hash(1)) ||
		!got.CreatedAt.Equal(base) || !got.ExpiresAt.Equal(base.Add(time.Hour)) || got.User == nil || got.User.Email != u.Email {
		t.Fatalf("Session = %+v, %v", got, err)
	}
	_, err = s.Session(ctx, hash(1), base.Add(time.Hour)) // it ends at that second
	wantCode(t, err, dateline.EUNAUTHORIZED)
	_, err = s.Session(ctx, hash(9), base)
	wantCode(t, err, dateline.EUNAUTHORIZED)

	if err := s.DeleteExpiredSessions(ctx, base.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, hash(2), base)
	wantCode(t, err, dateline.EUNAUTHORIZED)
	if _, err := s.Session(ctx, hash(1), base); err != nil {
		t.Errorf("a live session was removed with the expired: %v", err)
	}
	if err := s.DeleteSession(ctx, hash(1)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, hash(1), base)
	wantCode(t, err, dateline.EUNAUTHORIZED)

	// A new password ends every session.
	open(hash(3), u.ID, base.Add(time.Hour))
	open(hash(4), u.ID, base.Add(time.Hour))
	if err := s.SetPassword(ctx, u.ID, "$argon2id$new"); err != nil {
		t.Fatal(err)
	}
	for _, b := range []byte{3, 4} {
		_, err = s.Session(ctx, hash(b), base)
		wantCode(t, err, dateline.EUNAUTHORIZED)
	}
	// So does disabling the account, and a disabled account has none.
	open(hash(5), u.ID, base.Add(time.Hour))
	u.Disabled = true
	if err := s.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	_, err = s.Session(ctx, hash(5), base)
	wantCode(t, err, dateline.EUNAUTHORIZED)
	open(hash(6), u.ID, base.Add(time.Hour))
	_, err = s.Session(ctx, hash(6), base)
	wantCode(t, err, dateline.EUNAUTHORIZED)

	wantCode(t, s.CreateSession(ctx, &dateline.Session{Hash: hash(7), UserID: 424242, ExpiresAt: base.Add(time.Hour)}, time.Now()), dateline.ENOTFOUND)
	wantCode(t, s.CreateSession(ctx, &dateline.Session{UserID: u.ID, ExpiresAt: base.Add(time.Hour)}, time.Now()), dateline.EINVALID)
}

func testSaveArticle(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna Petrova", dateline.RoleReporter)
	// A draft may have no headline yet.
	a := draft("urn:newsroom:1", "politics", "")
	a.AuthorID = u.ID
	rev := save(t, s, a, 0, u.ID, base)
	if a.ID == 0 || a.Version != 1 || !a.CreatedAt.Equal(base) || !a.ModifiedAt.Equal(base) {
		t.Fatalf("after the first save: id %d version %d created %v modified %v", a.ID, a.Version, a.CreatedAt, a.ModifiedAt)
	}
	if rev.ID == 0 || rev.ArticleID != a.ID || rev.Version != 1 || !rev.CreatedAt.Equal(base) || rev.UserName != "Anna Petrova" {
		t.Errorf("revision = %+v", rev)
	}
	got := get(t, s, a.ID)
	if got.Headline != "" || got.Status != dateline.StatusDraft || got.AuthorID != u.ID || got.Version != 1 ||
		!got.CreatedAt.Equal(base) || !got.SourceVersion.Equal(base) || !got.PublishedAt.IsZero() {
		t.Errorf("stored draft = %+v", got)
	}

	// Published by an editor: first publication now, then updates.
	got.Headline, got.Status = "Talks open in Geneva", dateline.StatusPublished
	save(t, s, got, 1, u.ID, base.Add(10*time.Minute))
	if got.Version != 2 || !got.PublishedAt.Equal(base.Add(10*time.Minute)) || !got.UpdatedAt.IsZero() {
		t.Errorf("on publication: version %d published %v updated %v", got.Version, got.PublishedAt, got.UpdatedAt)
	}
	got.Lead = "A new lead."
	save(t, s, got, 2, u.ID, base.Add(20*time.Minute))
	again := get(t, s, a.ID)
	if again.Version != 3 || again.Lead != "A new lead." || !again.PublishedAt.Equal(base.Add(10*time.Minute)) ||
		!again.UpdatedAt.Equal(base.Add(20*time.Minute)) || !again.ModifiedAt.Equal(base.Add(20*time.Minute)) || again.AuthorID != u.ID {
		t.Errorf("after an update: version %d published %v updated %v modified %v author %d",
			again.Version, again.PublishedAt, again.UpdatedAt, again.ModifiedAt, again.AuthorID)
	}
	if list, _ := s.Articles(ctx, dateline.ArticleFilter{}); len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("published story not listed: %v", ids(list))
	}

	// What a save refuses.
	noHeadline := *again
	noHeadline.Headline = " "
	wantCode(t, s.SaveArticle(ctx, &noHeadline, 3, nil, base), dateline.EINVALID)
	badSection := *again
	badSection.Section = "nosuchsection"
	wantCode(t, s.SaveArticle(ctx, &badSection, 3, nil, base), dateline.EINVALID)
	wantCode(t, s.SaveArticle(ctx, &dateline.Article{ID: 424242, Section: "world", Headline: "x", Status: dateline.StatusDraft}, 1, nil, base), dateline.ENOTFOUND)
	wantCode(t, s.SaveArticle(ctx, draft("urn:newsroom:1", "world", "Same URI"), 0, nil, base), dateline.ECONFLICT)
	wantCode(t, s.SaveArticle(ctx, draft("urn:newsroom:2", "world", "Based on nothing"), 3, nil, base), dateline.EINVALID)
	wantCode(t, s.SaveArticle(ctx, draft("", "world", "No URI"), 0, nil, base), dateline.EINVALID)
	wantCode(t, s.SaveArticle(ctx, &dateline.Article{URI: "urn:newsroom:3", Section: "world", Headline: "x", Status: "lost"}, 0, nil, base), dateline.EINVALID)
	unknownAuthor := draft("urn:newsroom:4", "world", "Unknown author")
	unknownAuthor.AuthorID = 424242
	wantCode(t, s.SaveArticle(ctx, unknownAuthor, 0, nil, base), dateline.EINVALID)
	if n, _ := s.CountArticles(ctx, ""); n != 1 {
		t.Errorf("refused saves stored articles: %d", n)
	}
	if got := get(t, s, a.ID); got.Version != 3 {
		t.Errorf("refused saves changed the article: version %d", got.Version)
	}

	// An ingest of an older source version does not undo an editor's save.
	old := article("urn:newsroom:1", "politics", base)
	old.Headline = "Wire copy"
	if r := upsert(t, s, base, old)[0]; r.Changed {
		t.Errorf("an older wire version overwrote the newsroom's: %+v", r)
	}
}

func testSaveArticleConflict(t *testing.T, s dateline.Store) {
	anna := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleEditor)
	boris := mkUser(t, s, "boris@example.org", "Boris", dateline.RoleEditor)
	a := draft("urn:conflict:1", "world", "Original")
	save(t, s, a, 0, anna.ID, base)

	// Both open version 1; Anna saves first.
	annas, boriss := get(t, s, a.ID), get(t, s, a.ID)
	annas.Headline = "Anna's headline"
	save(t, s, annas, 1, anna.ID, base.Add(time.Minute))
	boriss.Headline = "Boris's headline"
	if err := s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: a.ID, UserID: boris.ID, Base: 1, Data: []byte("typing"), SavedAt: base}, time.Now()); err != nil {
		t.Fatal(err)
	}
	rev := &dateline.Revision{UserID: boris.ID, Data: []byte("{}")}
	err := s.SaveArticle(ctx, boriss, 1, rev, base.Add(2*time.Minute))
	wantCode(t, err, dateline.ECONFLICT)
	if msg := dateline.ErrorMessage(err); !strings.Contains(msg, "version 2") || !strings.Contains(msg, "version 1") {
		t.Errorf("conflict message %q does not name both versions", msg)
	}
	if boriss.Headline != "Boris's headline" || boriss.Version != 1 {
		t.Errorf("a refused save changed the caller's article: %q v%d", boriss.Headline, boriss.Version)
	}
	got := get(t, s, a.ID)
	if got.Headline != "Anna's headline" || got.Version != 2 || !got.ModifiedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("after the refused save: %q v%d modified %v", got.Headline, got.Version, got.ModifiedAt)
	}
	if rs, _ := s.Revisions(ctx, a.ID); len(rs) != 2 {
		t.Errorf("%d revisions after two saves and a refused one", len(rs))
	}
	if _, err := s.Autosave(ctx, a.ID, boris.ID); err != nil {
		t.Errorf("a refused save removed the autosave: %v", err)
	}
	// Boris's text is kept as a conflict copy; he saves again from version 2.
	conflictCopy := &dateline.Revision{ArticleID: a.ID, Version: 1, Kind: dateline.RevisionConflict, UserID: boris.ID, Data: []byte(`{"headline":"Boris's headline"}`)}
	if err := s.AddRevision(ctx, conflictCopy, time.Now()); err != nil {
		t.Fatal(err)
	}
	boriss = get(t, s, a.ID)
	boriss.Headline = "Boris's headline"
	rev = save(t, s, boriss, 2, boris.ID, base.Add(3*time.Minute))
	if rev.Version != 3 || boriss.Version != 3 {
		t.Errorf("revision version %d, article version %d, want 3", rev.Version, boriss.Version)
	}
	if _, err := s.Autosave(ctx, a.ID, boris.ID); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Errorf("the save kept Boris's autosave: %v", err)
	}
	rs, _ := s.Revisions(ctx, a.ID)
	var got3 []string
	for _, r := range rs {
		got3 = append(got3, fmt.Sprintf("%s v%d %s", r.Kind, r.Version, r.UserName))
	}
	want := []string{"save v3 Boris", "conflict v1 Boris", "save v2 Anna", "save v1 Anna"}
	if strings.Join(got3, ", ") != strings.Join(want, ", ") {
		t.Errorf("revisions %q, want %q", got3, want)
	}
}

func testSaveArticleFields(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleEditor)
	a := draft("urn:fields:1", "economy", "Rate decision at noon")
	a.Status, a.EmbargoUntil, a.Embargoed = dateline.StatusScheduled, base.Add(2*time.Hour), true
	a.Advisory, a.Urgency, a.Breaking, a.Byline, a.Place = "Adds the vote", 2, true, "Anna", "MOSCOW"
	a.Topics = []dateline.Topic{{Name: "Rates"}}
	a.Persons = []dateline.Person{{Name: "Elvira Nabiullina"}}
	a.ReadAlso = []dateline.ArticleRef{{URI: "urn:elsewhere"}}
	a.AuthorID = u.ID
	save(t, s, a, 0, u.ID, base)
	got := get(t, s, a.ID)
	if got.Status != dateline.StatusScheduled || !got.EmbargoUntil.Equal(base.Add(2*time.Hour)) || !got.Embargoed ||
		got.Advisory != "Adds the vote" || got.Urgency != 2 || !got.Breaking || got.Byline != "Anna" || got.Place != "MOSCOW" ||
		len(got.Topics) != 1 || len(got.Persons) != 1 || len(got.ReadAlso) != 1 || got.AuthorID != u.ID ||
		got.Follows != 0 || got.ChainID != 0 || got.Chain != nil || got.Corrections != nil || !got.SubmittedAt.IsZero() {
		t.Errorf("read back %+v", got)
	}
	if next, _ := s.NextEmbargo(ctx); !next.Equal(base.Add(2 * time.Hour)) {
		t.Errorf("NextEmbargo = %v", next)
	}
	if _, err := s.PublishDue(ctx, base.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	list, err := s.Articles(ctx, dateline.ArticleFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("Articles = %v, %v", list, err)
	}
	if l := list[0]; l.Advisory != "Adds the vote" || l.Urgency != 2 || !l.Breaking || l.Status != dateline.StatusPublished {
		t.Errorf("list entry = %+v", l)
	}
}

// testSaveArticleTranslation: a save sets the story's translation link in
// its own transaction. A link refused refuses the save: neither the story
// (new or edited), its revision nor its links change.
func testSaveArticleTranslation(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	u := mkUser(t, s, "tr@example.org", "Translator", dateline.RoleEditor)
	en := draft("urn:save-tr:en", "politics", "Minister visits Kazan")
	save(t, s, en, 0, u.ID, base)
	ruDraft := func(uri string) *dateline.Article {
		a := draft(uri, "politika", "Министр посетил Казань")
		a.Lang = "ru"
		return a
	}
	link := func(of int64) *dateline.Revision {
		return &dateline.Revision{Kind: dateline.RevisionSave, UserID: u.ID, Data: []byte(`{}`), TranslationOf: &of}
	}

	// A new story is created linked.
	ru1 := ruDraft("urn:save-tr:ru1")
	if err := s.SaveArticle(ctx, ru1, 0, link(en.ID), base.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if of, err := s.TranslationOf(ctx, ru1.ID); err != nil || of != en.ID {
		t.Fatalf("TranslationOf(new story) = %d, %v; want %d", of, err, en.ID)
	}

	// A second Russian version of the English story: a new one is not
	// created, an existing one keeps its text, version and history.
	count := func() int {
		n, err := s.CountArticles(ctx, dateline.StatusDraft)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	ru2 := ruDraft("urn:save-tr:ru2")
	wantCode(t, s.SaveArticle(ctx, ru2, 0, link(en.ID), base.Add(2*time.Minute)), dateline.EINVALID)
	if ru2.ID != 0 || count() != before {
		t.Fatalf("a refused link stored the new story (id %d, drafts %d -> %d)", ru2.ID, before, count())
	}
	if _, err := s.ArticleByURI(ctx, "urn:save-tr:ru2"); dateline.ErrorCode(err) != dateline.ENOTFOUND {
		t.Fatalf("ArticleByURI(refused new story) = %v, want ENOTFOUND", err)
	}

	ru3 := ruDraft("urn:save-tr:ru3")
	save(t, s, ru3, 0, u.ID, base.Add(3*time.Minute))
	revs, _ := s.Revisions(ctx, ru3.ID)
	edit := *ru3
	edit.Headline = "Changed"
	wantCode(t, s.SaveArticle(ctx, &edit, ru3.Version, link(en.ID), base.Add(4*time.Minute)), dateline.EINVALID)
	if edit.Headline != "Changed" || edit.Version != ru3.Version {
		t.Errorf("the refused save changed the caller's article: %q v%d", edit.Headline, edit.Version)
	}
	got := get(t, s, ru3.ID)
	if got.Headline != ru3.Headline || got.Version != ru3.Version {
		t.Errorf("a refused link saved the edit: %q v%d, want %q v%d", got.Headline, got.Version, ru3.Headline, ru3.Version)
	}
	if after, _ := s.Revisions(ctx, ru3.ID); len(after) != len(revs) {
		t.Errorf("a refused link stored a revision: %d revisions, want %d", len(after), len(revs))
	}
	if of, _ := s.TranslationOf(ctx, ru3.ID); of != 0 {
		t.Errorf("a refused save linked the story to %d", of)
	}
	if tr, _ := s.TranslationOf(ctx, en.ID); tr != ru1.ID {
		t.Errorf("TranslationOf(en) = %d after refused links, want %d", tr, ru1.ID)
	}
	// A link to a story that does not exist, or to itself, is refused too.
	wantCode(t, s.SaveArticle(ctx, &edit, ru3.Version, link(999999), base.Add(5*time.Minute)), dateline.ENOTFOUND)
	wantCode(t, s.SaveArticle(ctx, &edit, ru3.Version, link(ru3.ID), base.Add(5*time.Minute)), dateline.EINVALID)
	if got := get(t, s, ru3.ID); got.Version != ru3.Version {
		t.Errorf("refused links saved the edit: version %d, want %d", got.Version, ru3.Version)
	}

	// The same link again changes nothing but the story; 0 unlinks; nil
	// leaves the link alone.
	if err := s.SaveArticle(ctx, ru1, ru1.Version, link(en.ID), base.Add(6*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveArticle(ctx, ru1, ru1.Version, &dateline.Revision{UserID: u.ID, Data: []byte(`{}`)}, base.Add(7*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if of, _ := s.TranslationOf(ctx, ru1.ID); of != en.ID {
		t.Errorf("saves without a change of link left TranslationOf = %d, want %d", of, en.ID)
	}
	if err := s.SaveArticle(ctx, ru1, ru1.Version, link(0), base.Add(8*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if of, _ := s.TranslationOf(ctx, ru1.ID); of != 0 {
		t.Errorf("after unlinking, TranslationOf = %d", of)
	}
}

func testIngestNewColumns(t *testing.T, s dateline.Store) {
	a := article("urn:ingest:1", "world", base.Add(-time.Hour))
	a.Advisory, a.WithdrawNote = "Adds reaction", ""
	a.Corrections = []dateline.Correction{{At: base.Add(-30 * time.Minute), Text: "Corrects the spelling of a name."}}
	id := upsert(t, s, base, a)[0].ID
	got := get(t, s, id)
	if got.Advisory != "Adds reaction" || len(got.Corrections) != 1 || !got.Corrections[0].At.Equal(base.Add(-30*time.Minute)) {
		t.Errorf("ingested: advisory %q corrections %+v", got.Advisory, got.Corrections)
	}
	w := article("urn:ingest:1", "world", base.Add(-time.Hour))
	w.SourceVersion, w.Status, w.WithdrawNote = base, dateline.StatusWithdrawn, "Withdrawn at the source's request."
	upsert(t, s, base, w)
	got = get(t, s, id)
	// A kill keeps the story's words, its advisory and corrections.
	if got.Status != dateline.StatusWithdrawn || got.WithdrawNote != "Withdrawn at the source's request." || got.Advisory != "Adds reaction" ||
		len(got.Corrections) != 1 || got.Headline != a.Headline {
		t.Errorf("after withdrawal: %s %q %q %+v", got.Status, got.WithdrawNote, got.Advisory, got.Corrections)
	}
	e := article("urn:ingest:2", "science", time.Time{})
	e.Status, e.EmbargoUntil, e.Embargoed = dateline.StatusScheduled, base.Add(time.Hour), true
	id = upsert(t, s, base, e)[0].ID
	if got := get(t, s, id); !got.Embargoed || got.Status != dateline.StatusScheduled {
		t.Errorf("ingested embargo: %v %s", got.Embargoed, got.Status)
	}
}

func testSubmitted(t *testing.T, s dateline.Store) {
	reporter := mkUser(t, s, "rita@example.org", "Rita", dateline.RoleReporter)
	d := draft("urn:sub:draft", "world", "Still writing")
	d.AuthorID = reporter.ID
	save(t, s, d, 0, reporter.ID, base)
	sub := draft("urn:sub:1", "world", "Ready for the desk")
	sub.Status, sub.AuthorID = dateline.StatusSubmitted, reporter.ID
	save(t, s, sub, 0, reporter.ID, base.Add(time.Minute))
	if sub.Status != dateline.StatusSubmitted || !sub.SubmittedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("after submitting: %s %v", sub.Status, sub.SubmittedAt)
	}
	got := get(t, s, sub.ID)
	if got.Status != dateline.StatusSubmitted || !got.SubmittedAt.Equal(base.Add(time.Minute)) {
		t.Fatalf("submitted story reads back as %s at %v", got.Status, got.SubmittedAt)
	}
	// Saved again while submitted, it keeps its submission time.
	got.SubmittedAt = time.Time{}
	got.Lead = "Edited on the desk."
	save(t, s, got, 1, reporter.ID, base.Add(5*time.Minute))
	if again := get(t, s, sub.ID); again.Status != dateline.StatusSubmitted || !again.SubmittedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("after an edit: %s at %v", again.Status, again.SubmittedAt)
	}
	p := draft("urn:sub:pub", "politics", "Published")
	p.Status = dateline.StatusPublished
	save(t, s, p, 0, reporter.ID, base.Add(2*time.Minute))

	desk := func(f dateline.DeskFilter) []int64 {
		t.Helper()
		as, err := s.DeskArticles(ctx, f)
		if err != nil {
			t.Fatalf("DeskArticles(%+v): %v", f, err)
		}
		return ids(as)
	}
	for _, c := range []struct {
		status dateline.Status
		want   []int64
	}{
		{dateline.StatusSubmitted, []int64{sub.ID}},
		{dateline.StatusDraft, []int64{d.ID}},
		{dateline.StatusPublished, []int64{p.ID}},
		{"", []int64{sub.ID, p.ID, d.ID}},
	} {
		if got := desk(dateline.DeskFilter{Status: c.status}); !sameIDs(got, c.want) {
			t.Errorf("desk %q = %v, want %v", c.status, got, c.want)
		}
	}
	as, _ := s.DeskArticles(ctx, dateline.DeskFilter{Status: dateline.StatusSubmitted})
	if len(as) == 1 && (as[0].Status != dateline.StatusSubmitted || as[0].SubmittedAt.IsZero() || as[0].AuthorID != reporter.ID) {
		t.Errorf("desk entry = %+v", as[0])
	}
	for status, want := range map[dateline.Status]int{dateline.StatusSubmitted: 1, dateline.StatusDraft: 1, dateline.StatusPublished: 1, "": 3} {
		if n, _ := s.CountArticles(ctx, status); n != want {
			t.Errorf("CountArticles(%q) = %d, want %d", status, n, want)
		}
	}
	if list, _ := s.Articles(ctx, dateline.ArticleFilter{}); !sameIDs(ids(list), []int64{p.ID}) {
		t.Errorf("public list = %v", ids(list))
	}
	_, err := s.DeskArticles(ctx, dateline.DeskFilter{Status: "lost"})
	wantCode(t, err, dateline.EINVALID)

	// Sent back to the reporter, it is a draft again.
	back := get(t, s, sub.ID)
	back.Status = dateline.StatusDraft
	save(t, s, back, 2, reporter.ID, base.Add(6*time.Minute))
	if got := get(t, s, sub.ID); got.Status != dateline.StatusDraft || !got.SubmittedAt.IsZero() {
		t.Errorf("sent back: %s %v", got.Status, got.SubmittedAt)
	}
	if got := desk(dateline.DeskFilter{Status: dateline.StatusSubmitted}); len(got) != 0 {
		t.Errorf("still submitted: %v", got)
	}
}

func testDeskArticles(t *testing.T, s dateline.Store) {
	anna := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleReporter)
	boris := mkUser(t, s, "boris@example.org", "Boris", dateline.RoleReporter)
	var all []*dateline.Article
	for i, c := range []struct {
		section, headline string
		author            int64
	}{
		{"politics", "Talks on Syria resume", anna.ID},
		{"world", "SYRIAN refugees return", boris.ID},
		{"economy", "Rates up 50% in a year", anna.ID},
		{"economy", "Rates up 500 points", boris.ID},
		{"sport", "Match a_b postponed", anna.ID},
		{"sport", "Match axb abandoned", anna.ID},
		{"politics", "Лавров прибыл в Женеву", boris.ID},
	} {
		a := draft(fmt.Sprintf("urn:desk:%d", i), c.section, c.headline)
		a.AuthorID = c.author
		save(t, s, a, 0, c.author, base.Add(time.Duration(i)*time.Minute))
		all = append(all, a)
	}
	// An older story edited last comes first.
	save(t, s, all[0], 1, anna.ID, base.Add(time.Hour))
	desk := func(f dateline.DeskFilter) []int64 {
		t.Helper()
		as, err := s.DeskArticles(ctx, f)
		if err != nil {
			t.Fatalf("DeskArticles(%+v): %v", f, err)
		}
		return ids(as)
	}
	id := func(is ...int) []int64 {
		var out []int64
		for _, i := range is {
			out = append(out, all[i].ID)
		}
		return out
	}
	for _, c := range []struct {
		name string
		f    dateline.DeskFilter
		want []int64
	}{
		{"all", dateline.DeskFilter{}, id(0, 6, 5, 4, 3, 2, 1)},
		{"section", dateline.DeskFilter{Section: "economy"}, id(3, 2)},
		{"author", dateline.DeskFilter{AuthorID: boris.ID}, id(6, 3, 1)},
		{"query ignores case", dateline.DeskFilter{Query: "syria"}, id(0, 1)},
		{"query is not a pattern", dateline.DeskFilter{Query: "50%"}, id(2)},
		{"underscore is literal", dateline.DeskFilter{Query: "a_b"}, id(4)},
		{"russian", dateline.DeskFilter{Query: "Женев"}, id(6)},
		{"everything", dateline.DeskFilter{Section: "sport", AuthorID: anna.ID, Query: "match", Status: dateline.StatusDraft}, id(5, 4)},
		{"limit", dateline.DeskFilter{Limit: 2}, id(0, 6)},
		{"offset", dateline.DeskFilter{Limit: 2, Offset: 2}, id(5, 4)},
		{"past the end", dateline.DeskFilter{Offset: 50}, []int64{}},
		{"nothing", dateline.DeskFilter{Query: "nothing like this"}, []int64{}},
	} {
		if got := desk(c.f); !sameIDs(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	as, _ := s.DeskArticles(ctx, dateline.DeskFilter{Limit: 1})
	if len(as) != 1 || as[0].Section != "politics" || as[0].SectionName == "" || as[0].Headline != "Talks on Syria resume" ||
		as[0].Version != 2 || !as[0].ModifiedAt.Equal(base.Add(time.Hour)) || as[0].AuthorID != anna.ID || as[0].Status != dateline.StatusDraft {
		t.Errorf("desk entry = %+v", as)
	}
}

func testChain(t *testing.T, s dateline.Store) {
	ed := mkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	publish := func(uri, headline string, follows int64, at time.Time) *dateline.Article {
		t.Helper()
		a := draft(uri, "world", headline)
		a.Status, a.Follows = dateline.StatusPublished, follows
		save(t, s, a, 0, ed.ID, at)
		return a
	}
	flash := publish("urn:chain:1", "Earthquake hits Kamchatka", 0, base)
	if flash.ChainID != 0 {
		t.Errorf("a story that follows nothing is in chain %d", flash.ChainID)
	}
	update := publish("urn:chain:2", "Earthquake: no casualties reported", flash.ID, base.Add(10*time.Minute))
	wrap := publish("urn:chain:3", "Earthquake of magnitude 7 hits Kamchatka", update.ID, base.Add(time.Hour))
	unpublished := draft("urn:chain:4", "world", "Earthquake: aftershocks")
	unpublished.Follows = wrap.ID
	save(t, s, unpublished, 0, ed.ID, base.Add(2*time.Hour))
	if update.ChainID != flash.ID || wrap.ChainID != flash.ID || unpublished.ChainID != flash.ID {
		t.Errorf("chain ids %d %d %d, want %d", update.ChainID, wrap.ChainID, unpublished.ChainID, flash.ID)
	}
	want := []int64{flash.ID, update.ID, wrap.ID}
	for _, id := range []int64{flash.ID, update.ID, wrap.ID, unpublished.ID} {
		got := get(t, s, id)
		var chain []int64
		for _, r := range got.Chain {
			chain = append(chain, r.ID)
		}
		if got.ChainID != flash.ID || !sameIDs(chain, want) {
			t.Errorf("article %d: chain %d %v, want %d %v", id, got.ChainID, chain, flash.ID, want)
		}
	}
	got, _ := s.ArticleByURI(ctx, "urn:chain:3")
	if got == nil || len(got.Chain) != 3 || got.Follows != update.ID {
		t.Fatalf("ArticleByURI: %+v", got)
	}
	if r := got.Chain[1]; r.URI != "urn:chain:2" || r.Section != "world" || r.Headline != "Earthquake: no casualties reported" {
		t.Errorf("chain entry = %+v", r)
	}
	// The head of a chain stays in it when it is edited.
	head := get(t, s, flash.ID)
	head.Lead = "Edited."
	save(t, s, head, head.Version, ed.ID, base.Add(3*time.Hour))
	if got := get(t, s, flash.ID); got.ChainID != flash.ID || len(got.Chain) != 3 {
		t.Errorf("edited head: chain %d %v", got.ChainID, got.Chain)
	}
	// A story in no chain has none.
	lone := publish("urn:chain:5", "Unrelated", 0, base)
	if got := get(t, s, lone.ID); got.ChainID != 0 || got.Chain != nil {
		t.Errorf("lone story: %d %v", got.ChainID, got.Chain)
	}

	bad := draft("urn:chain:6", "world", "Follows nothing that exists")
	bad.Follows = 424242
	wantCode(t, s.SaveArticle(ctx, bad, 0, nil, base), dateline.EINVALID)
	self := get(t, s, wrap.ID)
	self.Follows = wrap.ID
	wantCode(t, s.SaveArticle(ctx, self, self.Version, nil, base), dateline.EINVALID)
	later := get(t, s, flash.ID)
	later.Follows = wrap.ID
	wantCode(t, s.SaveArticle(ctx, later, later.Version, nil, base), dateline.EINVALID)
}

func testCorrections(t *testing.T, s dateline.Store) {
	ed := mkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	a := draft("urn:corr:1", "society", "Bridge opens")
	a.Status = dateline.StatusPublished
	a.Corrections = []dateline.Correction{
		{At: base.Add(-time.Hour), Text: "Corrects the length of the bridge."},
		{At: base.Add(-2 * time.Hour).Add(500 * time.Millisecond), Text: "Corrects the city."},
	}
	save(t, s, a, 0, ed.ID, base)
	got := get(t, s, a.ID)
	if len(got.Corrections) != 2 || got.Corrections[0].Text != "Corrects the length of the bridge." ||
		!got.Corrections[1].At.Equal(base.Add(-2*time.Hour)) || got.Corrections[1].At.Location() != time.UTC {
		t.Fatalf("corrections = %+v", got.Corrections)
	}
	got.Corrections = append(got.Corrections, dateline.Correction{Text: "Dated when it is saved."})
	save(t, s, got, 1, ed.ID, base.Add(time.Hour))
	got = get(t, s, a.ID)
	var texts []string
	for _, c := range got.Corrections {
		texts = append(texts, c.Text)
	}
	if strings.Join(texts, "|") != "Corrects the length of the bridge.|Corrects the city.|Dated when it is saved." ||
		!got.Corrections[2].At.Equal(base.Add(time.Hour)) {
		t.Errorf("after adding one: %+v", got.Corrections)
	}
	got.Corrections = got.Corrections[1:2]
	save(t, s, got, 2, ed.ID, base.Add(2*time.Hour))
	if got = get(t, s, a.ID); len(got.Corrections) != 1 || got.Corrections[0].Text != "Corrects the city." {
		t.Errorf("after removing two: %+v", got.Corrections)
	}
}

func testWithdrawnLeaves(t *testing.T, s dateline.Store) {
	ed := mkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	a := draft("urn:wd:1", "economy", "Pipeline deal signed")
	a.Status = dateline.StatusPublished
	save(t, s, a, 0, ed.ID, base)
	if got := find(t, s, "pipeline", nil); len(got) != 1 {
		t.Fatalf("published story not found: %v", got)
	}
	got := get(t, s, a.ID)
	got.Status, got.WithdrawNote = dateline.StatusWithdrawn, "The deal was not signed."
	save(t, s, got, 1, ed.ID, base.Add(time.Hour))
	if got := find(t, s, "pipeline", nil); len(got) != 0 {
		t.Errorf("withdrawn story found: %v", got)
	}
	if list, _ := s.Articles(ctx, dateline.ArticleFilter{}); len(list) != 0 {
		t.Errorf("withdrawn story listed: %v", ids(list))
	}
	got = get(t, s, a.ID)
	if got.Status != dateline.StatusWithdrawn || got.WithdrawNote != "The deal was not signed." ||
		!got.WithdrawnAt.Equal(base.Add(time.Hour)) || !got.PublishedAt.Equal(base) {
		t.Errorf("withdrawn: %s %q at %v, published %v", got.Status, got.WithdrawNote, got.WithdrawnAt, got.PublishedAt)
	}
	// Published again, it is found again.
	got.Status, got.WithdrawNote = dateline.StatusPublished, ""
	save(t, s, got, 2, ed.ID, base.Add(2*time.Hour))
	if got := find(t, s, "pipeline", nil); len(got) != 1 {
		t.Errorf("republished story not found: %v", got)
	}
}

func testRevisions(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleReporter)
	a := draft("urn:rev:1", "world", "First")
	save(t, s, a, 0, u.ID, base)
	a.Headline = "Second"
	save(t, s, a, 1, u.ID, base.Add(time.Minute))
	restore := &dateline.Revision{Kind: dateline.RevisionRestore, UserID: u.ID, Note: "Back to the first", Data: []byte(`{"headline":"First"}`)}
	a.Headline = "First"
	if err := s.SaveArticle(ctx, a, 2, restore, base.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	rs, err := s.Revisions(ctx, a.ID)
	if err != nil || len(rs) != 3 {
		t.Fatalf("Revisions = %+v, %v", rs, err)
	}
	for i, r := range rs {
		if r.Version != 3-i || r.Data != nil || r.ArticleID != a.ID || r.UserID != u.ID || r.UserName != "Anna" ||
			!r.CreatedAt.Equal(base.Add(time.Duration(2-i)*time.Minute)) {
			t.Errorf("revision %d = %+v", i, r)
		}
	}
	if rs[0].Kind != dateline.RevisionRestore || rs[0].Note != "Back to the first" || rs[1].Kind != dateline.RevisionSave {
		t.Errorf("kinds %s %s, note %q", rs[0].Kind, rs[1].Kind, rs[0].Note)
	}
	one, err := s.Revision(ctx, rs[1].ID)
	if err != nil || string(one.Data) != `{"headline":"Second"}` || one.Version != 2 || !one.CreatedAt.Equal(base.Add(time.Minute)) {
		t.Errorf("Revision = %+v, %v", one, err)
	}
	_, err = s.Revision(ctx, 424242)
	wantCode(t, err, dateline.ENOTFOUND)

	// A conflict copy changes nothing else; without an account it has no name.
	cp := &dateline.Revision{ArticleID: a.ID, Version: 2, Kind: dateline.RevisionConflict, Data: []byte(`{}`), CreatedAt: base.Add(time.Hour)}
	if err := s.AddRevision(ctx, cp, time.Now()); err != nil {
		t.Fatal(err)
	}
	if cp.ID == 0 || cp.UserName != "" {
		t.Errorf("conflict copy = %+v", cp)
	}
	if got := get(t, s, a.ID); got.Version != 3 {
		t.Errorf("AddRevision changed the article: v%d", got.Version)
	}
	if rs, _ := s.Revisions(ctx, a.ID); len(rs) != 4 || rs[0].ID != cp.ID || rs[0].UserID != 0 {
		t.Errorf("after the copy: %+v", rs)
	}
	wantCode(t, s.AddRevision(ctx, &dateline.Revision{ArticleID: 424242, Version: 1, Data: []byte(`{}`)}, time.Now()), dateline.ENOTFOUND)
	wantCode(t, s.AddRevision(ctx, &dateline.Revision{ArticleID: a.ID, Version: 1, Kind: "draft", Data: []byte(`{}`)}, time.Now()), dateline.EINVALID)
	if rs, _ := s.Revisions(ctx, 424242); rs == nil || len(rs) != 0 {
		t.Errorf("revisions of nothing = %#v, want an empty list", rs)
	}
}

func testAutosaves(t *testing.T, s dateline.Store) {
	anna := mkUser(t, s, "anna@example.org", "Anna", dateline.RoleReporter)
	boris := mkUser(t, s, "boris@example.org", "Boris", dateline.RoleEditor)
	a := draft("urn:auto:1", "world", "Autosaved")
	save(t, s, a, 0, anna.ID, base)
	_, err := s.Autosave(ctx, a.ID, anna.ID)
	wantCode(t, err, dateline.ENOTFOUND)
	for i, text := range []string{"first", "second"} {
		if err := s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: a.ID, UserID: anna.ID, Base: 1, Data: []byte(text), SavedAt: base.Add(time.Duration(i) * time.Second)}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: a.ID, UserID: boris.ID, Base: 1, Data: []byte("boris"), SavedAt: base}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Autosave(ctx, a.ID, anna.ID)
	if err != nil || string(got.Data) != "second" || got.Base != 1 || !got.SavedAt.Equal(base.Add(time.Second)) || got.UserID != anna.ID {
		t.Errorf("Autosave = %+v, %v", got, err)
	}
	wantCode(t, s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: 424242, UserID: anna.ID, Data: []byte("x")}, time.Now()), dateline.ENOTFOUND)
	// Anna's save removes her autosave, not Boris's.
	save(t, s, a, 1, anna.ID, base.Add(time.Minute))
	_, err = s.Autosave(ctx, a.ID, anna.ID)
	wantCode(t, err, dateline.ENOTFOUND)
	if got, err := s.Autosave(ctx, a.ID, boris.ID); err != nil || string(got.Data) != "boris" {
		t.Errorf("Boris's autosave: %+v, %v", got, err)
	}
}

func testPhotoLibrary(t *testing.T, s dateline.Store) {
	photos := []*dateline.Photo{
		{URI: "urn:photo:lib:1", Path: "lib/1.jpg", Width: 1200, Height: 800, Widths: []int{480, 960}, Caption: "Lavrov in Geneva", Credit: "Reuters", Alt: "A man at a desk"},
		{Path: "lib/2.jpg", Width: 960, Height: 640, Caption: "Sochi stadium", Credit: "© TASS"},
		{URI: "urn:photo:remote", Remote: "https://example.org/r.jpg", Caption: "Remote only, Geneva"},
		{Path: "lib/4.jpg", Width: 960, Height: 640, Caption: "Geneva talks", Credit: "AFP 100%"},
	}
	for _, p := range photos {
		if err := s.SavePhoto(ctx, p, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	lib := func(f dateline.PhotoFilter) []int64 {
		t.Helper()
		ps, err := s.Photos(ctx, f)
		if err != nil {
			t.Fatalf("Photos(%+v): %v", f, err)
		}
		out := []int64{}
		for _, p := range ps {
			out = append(out, p.ID)
		}
		return out
	}
	p1, p2, p4 := photos[0].ID, photos[1].ID, photos[3].ID
	for _, c := range []struct {
		name string
		f    dateline.PhotoFilter
		want []int64
	}{
		{"all stored here", dateline.PhotoFilter{}, []int64{p4, p2, p1}},
		{"before", dateline.PhotoFilter{Before: p4}, []int64{p2, p1}},
		{"caption ignoring case", dateline.PhotoFilter{Query: "GENEVA"}, []int64{p4, p1}},
		{"credit", dateline.PhotoFilter{Query: "tass"}, []int64{p2}},
		{"percent is literal", dateline.PhotoFilter{Query: "100%"}, []int64{p4}},
		{"limit", dateline.PhotoFilter{Limit: 1}, []int64{p4}},
		{"nothing", dateline.PhotoFilter{Query: "zzz"}, []int64{}},
	} {
		if got := lib(c.f); !sameIDs(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	got, err := s.Photo(ctx, p1)
	if err != nil || got.URI != "urn:photo:lib:1" || got.Path != "lib/1.jpg" || len(got.Widths) != 2 || got.Widths[1] != 960 ||
		got.Alt != "A man at a desk" || got.Width != 1200 {
		t.Errorf("Photo = %+v, %v", got, err)
	}
	_, err = s.Photo(ctx, 424242)
	wantCode(t, err, dateline.ENOTFOUND)

	// A library photo on a story keeps its row; the story's caption is its.
	ed := mkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	pick, _ := s.Photo(ctx, p2)
	pick.Caption = "Sochi stadium before the final"
	a := draft("urn:photo:story", "sport", "Final in Sochi")
	a.Photo = pick
	save(t, s, a, 0, ed.ID, base)
	save(t, s, a, 1, ed.ID, base.Add(time.Minute))
	if got := lib(dateline.PhotoFilter{}); len(got) != 3 {
		t.Errorf("saving a story copied its photo: %v", got)
	}
	if got := get(t, s, a.ID); got.Photo == nil || got.Photo.ID != p2 || got.Photo.Caption != "Sochi stadium before the final" {
		t.Errorf("story photo = %+v", got.Photo)
	}
	wantCode(t, s.SavePhoto(ctx, &dateline.Photo{ID: 424242, Path: "x.jpg"}, time.Now()), dateline.ENOTFOUND)
}

func testStories(t *testing.T, s dateline.Store) {
	st := &dateline.Story{Title: "Conflict in Syria", Intro: "<p>Since 2011.</p>"}
	if err := s.SaveStory(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	if st.ID == 0 || st.Slug != "conflict-in-syria" || st.CreatedAt.IsZero() {
		t.Fatalf("saved story = %+v", st)
	}
	wantCode(t, s.SaveStory(ctx, &dateline.Story{Title: "Another", Slug: "conflict-in-syria"}, time.Now()), dateline.ECONFLICT)
	wantCode(t, s.SaveStory(ctx, &dateline.Story{Title: " "}, time.Now()), dateline.EINVALID)
	wantCode(t, s.SaveStory(ctx, &dateline.Story{Title: "Bad slug", Slug: "Bad Slug"}, time.Now()), dateline.EINVALID)
	wantCode(t, s.SaveStory(ctx, &dateline.Story{ID: 424242, Title: "Nothing"}, time.Now()), dateline.ENOTFOUND)
	st.Title = "The conflict in Syria"
	if err := s.SaveStory(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	other := &dateline.Story{Title: "Arctic shipping"}
	if err := s.SaveStory(ctx, other, time.Now()); err != nil {
		t.Fatal(err)
	}

	older := article("urn:story:1", "world", base.Add(-2*time.Hour))
	newer := article("urn:story:2", "politics", base.Add(-time.Hour))
	newer.Photo = &dateline.Photo{URI: "urn:story:photo", Path: "s/1.jpg", Width: 960, Height: 640}
	unpublished := article("urn:story:3", "world", base)
	unpublished.Status = dateline.StatusDraft
	rs := upsert(t, s, base, older, newer, unpublished)
	if err := s.SetStoryArticles(ctx, st.ID, []int64{rs[0].ID, rs[1].ID, rs[2].ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	got, err := s.Story(ctx, "conflict-in-syria")
	if err != nil || got.ID != st.ID || got.Title != "The conflict in Syria" || got.Intro != "<p>Since 2011.</p>" ||
		!sameIDs(ids(got.Articles), []int64{rs[1].ID, rs[0].ID}) {
		t.Fatalf("Story = %+v, %v", got, err)
	}
	if a := got.Articles[0]; a.Headline != newer.Headline || a.Lead == "" || a.Section != "politics" || a.Photo == nil ||
		!a.PublishedAt.Equal(base.Add(-time.Hour)) || len(a.Pages) != 0 {
		t.Errorf("timeline entry = %+v", a)
	}
	byID, err := s.StoryByID(ctx, st.ID)
	if err != nil || byID.Slug != st.Slug || len(byID.Articles) != 2 {
		t.Errorf("StoryByID = %+v, %v", byID, err)
	}
	_, err = s.Story(ctx, "nope")
	wantCode(t, err, dateline.ENOTFOUND)
	_, err = s.StoryByID(ctx, 424242)
	wantCode(t, err, dateline.ENOTFOUND)

	// A failed replacement keeps the timeline.
	wantCode(t, s.SetStoryArticles(ctx, st.ID, []int64{rs[0].ID, 424242}, time.Now()), dateline.ENOTFOUND)
	wantCode(t, s.SetStoryArticles(ctx, st.ID, []int64{rs[0].ID, rs[0].ID}, time.Now()), dateline.EINVALID)
	wantCode(t, s.SetStoryArticles(ctx, 424242, []int64{rs[0].ID}, time.Now()), dateline.ENOTFOUND)
	if got, _ := s.Story(ctx, st.Slug); len(got.Articles) != 2 {
		t.Errorf("a failed SetStoryArticles changed the timeline: %v", ids(got.Articles))
	}

	of, err := s.StoriesOf(ctx, rs[2].ID)
	if err != nil || len(of) != 1 || of[0].ID != st.ID || of[0].Articles != nil {
		t.Errorf("StoriesOf = %+v, %v", of, err)
	}
	if of, _ := s.StoriesOf(ctx, 424242); of == nil || len(of) != 0 {
		t.Errorf("StoriesOf(unknown) = %#v, want an empty list", of)
	}
	if err := s.SetStoryArticles(ctx, other.ID, []int64{rs[0].ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if of, _ := s.StoriesOf(ctx, rs[0].ID); len(of) != 2 {
		t.Errorf("StoriesOf an article in two stories = %d", len(of))
	}
	all, err := s.Stories(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("Stories = %+v, %v", all, err)
	}
	for _, x := range all {
		if x.Articles != nil || x.UpdatedAt.Before(x.CreatedAt) {
			t.Errorf("list entry = %+v", x)
		}
	}
	if err := s.SetStoryArticles(ctx, st.ID, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Story(ctx, st.Slug); len(got.Articles) != 0 {
		t.Errorf("emptied timeline: %v", ids(got.Articles))
	}
}

func testTopStoriesMixed(t *testing.T, s dateline.Store) {
	lead := article("urn:mix:1", "politics", base)
	lead.Photo = &dateline.Photo{URI: "urn:mix:photo", Path: "m/1.jpg", Width: 960, Height: 640}
	old := article("urn:mix:2", "world", base.Add(-3*time.Hour))
	recent := article("urn:mix:3", "world", base.Add(-time.Hour))
	hidden := article("urn:mix:4", "world", base)
	hidden.Status = dateline.StatusDraft
	rs := upsert(t, s, base, lead, old, recent, hidden)
	running := &dateline.Story{Title: "Conflict in Syria"}
	empty := &dateline.Story{Title: "Arctic shipping"}
	for _, st := range []*dateline.Story{running, empty} {
		if err := s.SaveStory(ctx, st, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SetStoryArticles(ctx, running.ID, []int64{rs[1].ID, rs[2].ID, rs[3].ID}, time.Now()); err != nil {
		t.Fatal(err)
	}
	refs := []dateline.TopRef{{StoryID: running.ID}, {ArticleID: rs[3].ID}, {ArticleID: rs[0].ID}, {StoryID: empty.ID}}
	if err := s.SetTopStories(ctx, refs); err != nil {
		t.Fatal(err)
	}
	check := func() {
		t.Helper()
		top, err := s.TopStories(ctx)
		if err != nil || len(top) != 3 {
			t.Fatalf("TopStories = %+v, %v", top, err)
		}
		if st := top[0].Story; top[0].Article != nil || st == nil || st.ID != running.ID || st.Slug != "conflict-in-syria" ||
			len(st.Articles) != 1 || st.Articles[0].ID != rs[2].ID {
			t.Errorf("first item = %+v", top[0])
		}
		if a := top[1].Article; top[1].Story != nil || a == nil || a.ID != rs[0].ID || a.Photo == nil || a.Photo.Path != "m/1.jpg" {
			t.Errorf("second item = %+v", top[1])
		}
		if st := top[2].Story; st == nil || st.ID != empty.ID || len(st.Articles) != 0 {
			t.Errorf("third item = %+v", top[2])
		}
	}
	check()
	for _, bad := range []struct {
		refs []dateline.TopRef
		code string
	}{
		{[]dateline.TopRef{{ArticleID: rs[0].ID}, {StoryID: 424242}}, dateline.ENOTFOUND},
		{[]dateline.TopRef{{ArticleID: 424242}}, dateline.ENOTFOUND},
		{[]dateline.TopRef{{StoryID: running.ID}, {StoryID: running.ID}}, dateline.EINVALID},
		{[]dateline.TopRef{{ArticleID: rs[0].ID, StoryID: running.ID}}, dateline.EINVALID},
		{[]dateline.TopRef{{}}, dateline.EINVALID},
	} {
		wantCode(t, s.SetTopStories(ctx, bad.refs), bad.code)
	}
	check()
	// The same article may be a top story and in a running story that is.
	if err := s.SetTopStories(ctx, []dateline.TopRef{{ArticleID: rs[2].ID}, {StoryID: running.ID}}); err != nil {
		t.Fatal(err)
	}
	if top, _ := s.TopStories(ctx); len(top) != 2 || top[0].Article == nil || top[1].Story == nil {
		t.Errorf("after replacing: %+v", top)
	}
	if err := s.SetTopStories(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if top, err := s.TopStories(ctx); err != nil || top == nil || len(top) != 0 {
		t.Errorf("emptied list = %#v, %v", top, err)
	}
}

func testTokenList(t *testing.T, s dateline.Store) {
	var made []*dateline.Token
	for i, name := range []string{"wire", "app", "backup"} {
		tok := &dateline.Token{Name: name, Scope: "read", Hash: bytes.Repeat([]byte{byte(i + 1)}, 32), CreatedAt: base.Add(time.Duration(i) * time.Minute)}
		if err := s.CreateToken(ctx, tok, time.Now()); err != nil {
			t.Fatal(err)
		}
		made = append(made, tok)
	}
	ts, err := s.Tokens(ctx)
	if err != nil || len(ts) != 3 || ts[0].Name != "backup" || ts[2].Name != "wire" || !ts[0].CreatedAt.Equal(base.Add(2*time.Minute)) {
		t.Fatalf("Tokens = %+v, %v", ts, err)
	}
	if err := s.DeleteToken(ctx, made[1].ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.DeleteToken(ctx, made[1].ID), dateline.ENOTFOUND)
	if ts, _ := s.Tokens(ctx); len(ts) != 2 {
		t.Errorf("%d tokens after deleting one of 3", len(ts))
	}
	_, err = s.TokenByHash(ctx, made[1].Hash)
	wantCode(t, err, dateline.EUNAUTHORIZED)
}

func testTagSuggest(t *testing.T, s dateline.Store) {
	a := article("urn:tags:1", "world", base)
	a.Topics = []dateline.Topic{{Name: "Syrian conflict"}, {Name: "Syria talks"}, {Name: "Crisis in Syria"}, {Name: "Arctic"}}
	a.Persons = []dateline.Person{{Name: "Мария Захарова"}, {Name: "Maria Sharapova"}, {Name: "Sergey Lavrov"}}
	upsert(t, s, base, a)
	names := func(kind, prefix string, limit int) []string {
		t.Helper()
		ts, err := s.TagSuggest(ctx, kind, prefix, limit)
		if err != nil {
			t.Fatalf("TagSuggest(%s, %q): %v", kind, prefix, err)
		}
		out := []string{}
		for _, x := range ts {
			if x.ID == 0 || x.Slug == "" {
				t.Errorf("suggestion without id or slug: %+v", x)
			}
			out = append(out, x.Name)
		}
		return out
	}
	for _, c := range []struct {
		kind, prefix string
		limit        int
		want         []string
	}{
		{"topics", "syr", 0, []string{"Syria talks", "Syrian conflict", "Crisis in Syria"}},
		{"topics", "SYRIA", 0, []string{"Syria talks", "Syrian conflict", "Crisis in Syria"}},
		{"topics", "syr", 1, []string{"Syria talks"}},
		{"topics", "arc", 0, []string{"Arctic"}},
		// Russian is matched in either case, and through its
		// transliteration: "Мар" is "mar", as "Maria" begins.
		{"persons", "Мар", 0, []string{"Maria Sharapova", "Мария Захарова"}},
		{"persons", "мария", 0, []string{"Мария Захарова"}},
		{"persons", "МАРИЯ З", 0, []string{"Мария Захарова"}},
		{"persons", "захар", 0, []string{"Мария Захарова"}},
		{"persons", "Захарова", 0, []string{"Мария Захарова"}},
		{"persons", "mari", 0, []string{"Maria Sharapova", "Мария Захарова"}},
		{"persons", "lavrov", 0, []string{"Sergey Lavrov"}},
		{"persons", "nobody", 0, []string{}},
		{"persons", " ", 0, []string{}},
	} {
		if got := names(c.kind, c.prefix, c.limit); strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("TagSuggest(%s, %q) = %q, want %q", c.kind, c.prefix, got, c.want)
		}
	}
	_, err := s.TagSuggest(ctx, "sections", "p", 10)
	wantCode(t, err, dateline.EINVALID)
}

func testAudit(t *testing.T, s dateline.Store) {
	u := mkUser(t, s, "anna@example.org", "Anna Petrova", dateline.RoleAdmin)
	for i := 1; i <= 7; i++ {
		e := &dateline.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), UserID: u.ID, Action: "article.save", Target: fmt.Sprintf("article %d", i)}
		if err := s.AddAudit(ctx, e, time.Now()); err != nil {
			t.Fatal(err)
		}
		if e.ID == 0 || e.UserName != "Anna Petrova" {
			t.Errorf("added %+v", e)
		}
	}
	if err := s.AddAudit(ctx, &dateline.AuditEntry{At: base.Add(time.Hour), UserName: "dateline import", Action: "login.fail", Detail: "x@example.org"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s.AddAudit(ctx, &dateline.AuditEntry{At: base}, time.Now()), dateline.EINVALID)

	var seen []string
	var before int64
	for page := 0; ; page++ {
		es, err := s.AuditLog(ctx, before, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			break
		}
		if len(es) > 3 || page > 3 {
			t.Fatalf("page %d of %d entries", page, len(es))
		}
		for _, e := range es {
			seen = append(seen, e.Target)
		}
		before = es[len(es)-1].ID
	}
	want := "|article 7|article 6|article 5|article 4|article 3|article 2|article 1"
	if strings.Join(seen, "|") != want {
		t.Errorf("paged through %q, want %q", strings.Join(seen, "|"), want)
	}
	es, err := s.AuditLog(ctx, 0, 0)
	if err != nil || len(es) != 8 {
		t.Fatalf("AuditLog = %d, %v", len(es), err)
	}
	if e := es[0]; e.Action != "login.fail" || e.UserID != 0 || e.UserName != "dateline import" || e.Detail != "x@example.org" || !e.At.Equal(base.Add(time.Hour)) {
		t.Errorf("newest entry = %+v", e)
	}
	if e := es[7]; e.UserID != u.ID || e.Target != "article 1" || !e.At.Equal(base.Add(time.Minute)) {
		t.Errorf("oldest entry = %+v", e)
	}
}

// FillNewsroom stores a little of everything the newsroom keeps (sections
// too, if there are none): accounts, sessions, stories with revisions, an
// autosave, corrections and a chain of follow-ups, a running story, a
// home page of both kinds, tokens and the audit log. Engines' transfer
// tests move it between them.
func FillNewsroom(t testing.TB, s dateline.Store) {
	t.Helper()
	if ss, err := s.Sections(ctx); err != nil {
		t.Fatal(err)
	} else if len(ss) == 0 {
		for _, sec := range dateline.DefaultSections {
			if err := s.SaveSection(ctx, &sec); err != nil {
				t.Fatal(err)
			}
		}
	}
	ed := mkUser(t, s, "ed@example.org", "Ed", dateline.RoleEditor)
	rita := mkUser(t, s, "rita@example.org", "Rita", dateline.RoleReporter)
	rita.Disabled = true
	if err := s.UpdateUser(ctx, rita); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LoginFailed(ctx, ed.ID, base, 1, time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateSession(ctx, &dateline.Session{Hash: bytes.Repeat([]byte{0xab}, 32), UserID: ed.ID, CSRF: "csrf", CreatedAt: base, ExpiresAt: base.Add(time.Hour)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	photo := &dateline.Photo{Path: "lib/fill.jpg", Width: 960, Height: 640, Widths: []int{480}, Caption: "Caption", Credit: "Credit"}
	if err := s.SavePhoto(ctx, photo, time.Now()); err != nil {
		t.Fatal(err)
	}
	var prev int64
	var chain []int64
	for i := range 3 {
		a := draft(fmt.Sprintf("urn:fill:%d", i), "world", fmt.Sprintf("Follow-up %d", i))
		a.Status, a.Follows, a.AuthorID, a.Embargoed = dateline.StatusPublished, prev, ed.ID, i == 1
		a.Advisory = fmt.Sprintf("Adds %d", i)
		a.Corrections = []dateline.Correction{{At: base, Text: "A correction."}, {At: base.Add(time.Minute), Text: "Another."}}
		a.Topics = []dateline.Topic{{Name: "Earthquakes"}}
		if i == 0 {
			a.Photo = photo
		}
		save(t, s, a, 0, ed.ID, base.Add(time.Duration(i)*time.Minute))
		save(t, s, a, 1, ed.ID, base.Add(time.Duration(i)*time.Minute+30*time.Second))
		prev = a.ID
		chain = append(chain, a.ID)
	}
	sub := draft("urn:fill:sub", "politics", "Submitted")
	sub.Status, sub.AuthorID = dateline.StatusSubmitted, rita.ID
	save(t, s, sub, 0, ed.ID, base)
	if err := s.SaveAutosave(ctx, &dateline.Autosave{ArticleID: sub.ID, UserID: ed.ID, Base: 1, Data: []byte(`{"headline":"typing"}`), SavedAt: base}, time.Now()); err != nil {
		t.Fatal(err)
	}
	w := draft("urn:fill:wd", "economy", "Withdrawn")
	w.Status, w.WithdrawNote = dateline.StatusWithdrawn, "Wrong."
	save(t, s, w, 0, ed.ID, base)
	st := &dateline.Story{Title: "Earthquake in Kamchatka", Intro: "<p>Intro.</p>"}
	if err := s.SaveStory(ctx, st, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStoryArticles(ctx, st.ID, chain, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetTopStories(ctx, []dateline.TopRef{{StoryID: st.ID}, {ArticleID: chain[0]}}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateToken(ctx, &dateline.Token{Name: "wire", Scope: "write", Source: "reuters", Hash: bytes.Repeat([]byte{0xcd}, 32), CreatedAt: base}, time.Now()); err != nil {
		t.Fatal(err)
	}
	clienttest.FillClients(t, s)
	clienttest.FillPortal(t, s, chain[0])
	clienttest.FillPush(t, s)
	clienttest.FillMail(t, s)
	clienttest.FillSources(t, s)
	clienttest.FillNews(t, s)
	clienttest.FillAlerts(t, s)
	fillOldPaths(t, s)
	livetest.Fill(t, s, chain[0], ed.ID, photo.ID)
	// The wire's lifecycle: an embargo to the millisecond, a withheld
	// story, their versions and a refusal in the stories' history.
	emb := embargoed(wire("urn:fill:emb", "science", "Embargoed", base, "1.2"), base.Add(time.Hour+250*time.Millisecond))
	wh := wire("urn:fill:wh", "world", "Withheld", base.Add(-time.Hour), "1")
	upsert(t, s, base, emb, wh)
	wh2 := wire("urn:fill:wh", "world", "Withheld", base, "2")
	wh2.Status = dateline.StatusWithheld
	refused := wire("urn:fill:wh", "world", "Another source", base.Add(time.Minute), "3")
	refused.Source = "afp"
	upsert(t, s, base, wh2, refused)
	for i := range 3 {
		if err := s.AddAudit(ctx, &dateline.AuditEntry{At: base.Add(time.Duration(i) * time.Minute), UserID: ed.ID, Action: "article.save", Target: "article 1"}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
}
