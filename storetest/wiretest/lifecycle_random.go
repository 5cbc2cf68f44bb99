package wiretest

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"dateline"
	"dateline/storetest/kit"
)

// testRandomLifecycle runs random schedules of versions (new, embargoed
// to the millisecond, updated with and without the embargo, the same
// second, a sender's clock behind, resent, corrected on the wire and in
// the newsroom, killed, withheld, usable again) over a few stories, with
// the release run at every step as the timer would, and checks after
// each step that every story reads, lists, is found and tags as a model
// of the README's rules says: never out before its embargo, never out
// after a kill, the newest version's words, no correction lost.
func testRandomLifecycle(t *testing.T, s dateline.Store) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { randomLifecycle(t, s, seed) })
	}
}

// storyModel is what the rules say a story is.
type storyModel struct {
	name        string // a word only its headlines have
	uri         string
	id          int64
	number      int // the newest version number sent
	stored      int // the stored version number
	applied     []*dateline.Article
	status      dateline.Status
	embargo     time.Time // the embargo in force, or last set
	public      bool      // ever public
	killed      bool
	headline    string
	corrections []string
}

var storyNames = []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot"}

func randomLifecycle(t *testing.T, s dateline.Store, seed uint64) {
	rnd := rand.New(rand.NewPCG(seed, 13))
	ed := kit.MkUser(t, s, fmt.Sprintf("ed%d@example.org", seed), "Ed", dateline.RoleEditor)
	var stories []*storyModel
	for _, n := range storyNames {
		// Each schedule's words are its own: "alphaa", "alphab".
		n += string(rune('a' + seed - 1))
		stories = append(stories, &storyModel{name: n, uri: fmt.Sprintf("urn:random:%d:%s", seed, n)})
	}
	now := kit.Base.Add(time.Duration(seed) * 24 * time.Hour).Add(123 * time.Millisecond)
	created := now
	for step := 0; step < 120; step++ {
		now = now.Add(time.Duration(rnd.IntN(3000)) * time.Millisecond)
		m := stories[rnd.IntN(len(stories))]
		// The sender's clock: mostly now, sometimes the same second as
		// its last version, sometimes behind.
		switch rnd.IntN(4) {
		case 0:
			created = created.Truncate(time.Second)
		case 1:
			created = now.Add(-time.Duration(rnd.IntN(60)) * time.Second)
		default:
			created = now
		}
		what := rnd.IntN(10)
		if m.id == 0 {
			what = rnd.IntN(3) // a first version: usable, embargoed or withheld
		}
		var op string
		switch {
		case what <= 4:
			op = m.version(t, s, rnd, now, created, "")
		case what == 5:
			op = m.version(t, s, rnd, now, created, dateline.StatusWithheld)
		case what == 6:
			op = m.kill(t, s, rnd, now, created)
		case what == 7 && len(m.applied) > 0:
			op = m.resend(t, s, rnd, now)
		case what == 8:
			op = m.correct(t, s, ed.ID, now)
		default:
			op = "nothing"
		}
		// The release timer.
		if _, err := s.PublishDue(kit.Ctx, now); err != nil {
			t.Fatal(err)
		}
		for _, x := range stories {
			if x.id != 0 && x.status == dateline.StatusScheduled && !x.embargo.After(now) {
				x.status, x.public = dateline.StatusPublished, true
			}
		}
		check(t, s, stories, fmt.Sprintf("step %d at %s, %s %s", step, now.Format("15:04:05.000"), m.name, op))
		if t.Failed() {
			return
		}
	}
}

// version sends the story's next version: usable (status "") or withheld,
// with an embargo to come, one passed, or none; sometimes a correction.
func (m *storyModel) version(t *testing.T, s dateline.Store, rnd *rand.Rand, now, created time.Time, status dateline.Status) string {
	t.Helper()
	m.number++
	a := kit.Wire(m.uri, "world", fmt.Sprintf("Story %s version %d", m.name, m.number), created, fmt.Sprint(m.number))
	a.Topics = []dateline.Topic{{Name: "Topic " + m.name}}
	op := "version"
	switch rnd.IntN(4) {
	case 0:
		a.EmbargoUntil = now.Add(time.Duration(500+rnd.IntN(20000)) * time.Millisecond)
		a.Status, a.PublishedAt = dateline.StatusScheduled, time.Time{}
		op += " embargoed until " + a.EmbargoUntil.Format("15:04:05.000")
	case 1:
		a.EmbargoUntil = now.Add(-time.Duration(rnd.IntN(5000)) * time.Millisecond)
		op += " with a passed embargo"
	}
	if status != "" {
		a.Status = status
		op += " " + string(status)
	}
	if rnd.IntN(3) == 0 {
		a.Corrections = []dateline.Correction{{At: created, Text: fmt.Sprintf("Correction %d of %s.", m.number, m.name)}}
		op += " with a correction"
	}
	sent := *a
	r := kit.Upsert(t, s, now, a)[0]
	// What the rules say.
	future := !a.EmbargoUntil.IsZero() && sent.EmbargoUntil.After(now)
	switch {
	case m.id != 0 && m.killed:
		if dateline.ErrorCode(r.Refused) != dateline.ECONFLICT {
			t.Errorf("%s of a killed story: %+v, want 409", op, r)
		}
		return op
	case m.id != 0 && future && m.public:
		if dateline.ErrorCode(r.Refused) != dateline.ECONFLICT {
			t.Errorf("%s of a public story: %+v, want 409", op, r)
		}
		return op
	}
	if r.Refused != nil || !r.Changed {
		t.Errorf("%s: %+v, want it applied", op, r)
		return op
	}
	m.id, m.stored = r.ID, m.number
	if status != dateline.StatusWithheld || !m.public {
		// A story withheld after publication keeps the words readers
		// saw last.
		m.headline = sent.Headline
	}
	m.applied = append(m.applied, &sent)
	if !sent.EmbargoUntil.IsZero() {
		m.embargo = sent.EmbargoUntil
	}
	for _, c := range sent.Corrections {
		m.corrections = append(m.corrections, c.Text)
	}
	held := !m.embargo.IsZero() && m.embargo.After(now)
	switch {
	case status == dateline.StatusWithheld:
		m.status = dateline.StatusWithheld
	case held:
		m.status = dateline.StatusScheduled
	default:
		m.status, m.public = dateline.StatusPublished, true
	}
	return op
}

// kill sends a kill, numbered at random: a kill is never ignored for its
// version.
func (m *storyModel) kill(t *testing.T, s dateline.Store, rnd *rand.Rand, now, created time.Time) string {
	t.Helper()
	if m.id == 0 {
		return "nothing"
	}
	n := 1 + rnd.IntN(m.number+1)
	m.number = max(m.number, n)
	k := killed(kit.Wire(m.uri, "world", "Kill notice", created, fmt.Sprint(n)), "Withdrawn: "+m.name)
	r := kit.Upsert(t, s, now, k)[0]
	if m.killed {
		if r.Changed || r.Refused != nil {
			t.Errorf("a kill sent again: %+v", r)
		}
		return "kill again"
	}
	if !r.Changed || r.Status != dateline.StatusWithdrawn {
		t.Errorf("a kill: %+v", r)
	}
	m.killed, m.status = true, dateline.StatusWithdrawn
	return "kill"
}

// resend sends an applied version again.
func (m *storyModel) resend(t *testing.T, s dateline.Store, rnd *rand.Rand, now time.Time) string {
	t.Helper()
	old := *m.applied[rnd.IntN(len(m.applied))]
	r := kit.Upsert(t, s, now, &old)[0]
	if r.Changed || r.Refused != nil {
		t.Errorf("version %s resent: %+v, want unchanged", old.WireVersion, r)
	}
	return "resend version " + old.WireVersion
}

// correct adds a correction in the newsroom.
func (m *storyModel) correct(t *testing.T, s dateline.Store, userID int64, now time.Time) string {
	t.Helper()
	if m.id == 0 {
		return "nothing"
	}
	a := kit.Get(t, s, m.id)
	text := fmt.Sprintf("Newsroom correction at %s of %s.", now.Format("15:04:05.000"), m.name)
	a.Corrections = append(a.Corrections, dateline.Correction{At: now, Text: text})
	kit.Save(t, s, a, a.Version, userID, now)
	m.corrections = append(m.corrections, text)
	return "newsroom correction"
}

func check(t *testing.T, s dateline.Store, stories []*storyModel, when string) {
	t.Helper()
	listed := listedIDs(t, s)
	for _, m := range stories {
		if m.id == 0 {
			continue
		}
		a := kit.Get(t, s, m.id)
		var texts []string
		for _, c := range a.Corrections {
			texts = append(texts, c.Text)
		}
		pub := m.status == dateline.StatusPublished
		switch {
		case a.Status != m.status:
			t.Errorf("%s: %s is %s, want %s", when, m.name, a.Status, m.status)
		case a.Headline != m.headline:
			t.Errorf("%s: %s reads %q, want %q", when, m.name, a.Headline, m.headline)
		case a.WasPublic() != m.public:
			t.Errorf("%s: %s was public %v, want %v", when, m.name, a.WasPublic(), m.public)
		case !slices.Equal(texts, m.corrections):
			t.Errorf("%s: %s corrections %q, want %q", when, m.name, texts, m.corrections)
		case slices.Contains(listed, m.id) != pub:
			t.Errorf("%s: %s listed %v, want %v", when, m.name, !pub, pub)
		case (len(kit.Find(t, s, m.name, nil)) == 1) != pub:
			t.Errorf("%s: %s found %v, want %v", when, m.name, !pub, pub)
		case tagPublished(t, s, dateline.TagTopic, "topic-"+m.name) != pub:
			t.Errorf("%s: %s's topic public %v, want %v", when, m.name, !pub, pub)
		case m.status == dateline.StatusScheduled && !a.EmbargoUntil.Equal(m.embargo):
			t.Errorf("%s: %s embargoed until %v, want %v", when, m.name, a.EmbargoUntil, m.embargo)
		case !m.killed && a.WireVersion != fmt.Sprint(m.stored):
			t.Errorf("%s: %s at version %q, want %d", when, m.name, a.WireVersion, m.stored)
		case strings.Contains(a.Headline, "Kill"):
			t.Errorf("%s: %s took the kill notice's headline", when, m.name)
		}
	}
	checkMonths(t, s, when)
}

// checkMonths: the months the sitemap index counts as it goes along are
// the months of the published list, counted again.
func checkMonths(t *testing.T, s dateline.Store, when string) {
	t.Helper()
	months, err := s.SitemapMonths(kit.Ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.Articles(kit.Ctx, dateline.ArticleFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	want := map[time.Time]int{}
	for _, a := range all {
		m := a.PublishedAt
		want[time.Date(m.Year(), m.Month(), 1, 0, 0, 0, 0, time.UTC)]++
	}
	got := map[time.Time]int{}
	for _, m := range months {
		got[m.Month] = m.Count
	}
	if !maps.Equal(got, want) {
		t.Errorf("%s: sitemap months %v, want %v", when, got, want)
	}
}
