package dateline

import (
	"strings"
	"testing"
	"time"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]string{
		"3": "3", " 3 ": "3", "03": "3", "0": "0", "1.2.10": "1.2.10", "1.02": "1.2", "2.0": "2.0",
		"999999999999999999": "999999999999999999",
	} {
		got, err := ParseVersion(in)
		if err != nil || got != want {
			t.Errorf("ParseVersion(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "v2", "1..2", ".1", "1.", "-1", "1e3", "1,2", "١", "1.2.3.4.5.6.7.8.9", "9999999999999999999"} {
		if _, err := ParseVersion(in); ErrorCode(err) != EUNPROCESSABLE || !strings.Contains(ErrorMessage(err), "version must be") {
			t.Errorf("ParseVersion(%q) = %v; want a refusal that says what a version is", in, err)
		}
	}
}

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"1", "2", -1}, {"10", "9", 1}, {"2", "2.0", 0}, {"1.2.10", "1.2.9", 1}, {"1.10", "1.9", 1},
		{"03", "3", 0}, {"123456789012345678", "99", 1}, {"1", "x", -1}, {"x", "y", -1},
	} {
		if got := CompareVersions(c.a, c.b); got != c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
		if got := CompareVersions(c.b, c.a); got != -c.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", c.b, c.a, got, -c.want)
		}
	}
}

// FuzzCompareVersions checks that the order is total and consistent: it
// is antisymmetric, agrees with equality of canonical forms, and never
// panics on any text a sender may put in version.
func FuzzCompareVersions(f *testing.F) {
	for _, s := range [][3]string{{"1", "2", "3"}, {"1.2", "1.10", "1.2.0"}, {"x", "03", ""}, {"9.9.9", "10", "0.0.1"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba := CompareVersions(a, b), CompareVersions(b, a)
		if ab != -ba {
			t.Fatalf("not antisymmetric: %q %q: %d %d", a, b, ab, ba)
		}
		if CompareVersions(a, a) != 0 {
			t.Fatalf("%q is not equal to itself", a)
		}
		if ab <= 0 && CompareVersions(b, c) <= 0 && CompareVersions(a, c) > 0 {
			t.Fatalf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
		ca, erra := ParseVersion(a)
		cb, errb := ParseVersion(b)
		if erra == nil && errb == nil && ca == cb && ab != 0 {
			t.Fatalf("%q and %q have one canonical form but compare %d", a, b, ab)
		}
	})
}

func TestCompareWire(t *testing.T) {
	t0 := time.Date(2026, 11, 27, 10, 0, 5, 0, time.UTC)
	for _, c := range []struct {
		name string
		va   string
		ta   time.Time
		vb   string
		tb   time.Time
		want int
	}{
		{"same second, newer number", "4", t0, "3", t0, 1},
		{"clock ran ahead, number wins", "4", t0, "3", t0.Add(time.Hour), 1},
		{"same number, later time", "3", t0.Add(time.Millisecond), "3", t0, 1},
		{"no numbers, by time", "", t0, "", t0.Add(500 * time.Millisecond), -1},
		{"one number missing, by time", "9", t0, "", t0.Add(time.Second), -1},
		{"equal", "3", t0, "3", t0, 0},
	} {
		if got := CompareWire(c.va, c.ta, c.vb, c.tb); got != c.want {
			t.Errorf("%s: CompareWire = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestReceiveWire(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	later := now.Add(5*time.Second + 500*time.Millisecond)
	public := &WirePrior{Status: StatusPublished, Source: "wire", Version: "2", VersionCreated: now.Add(-time.Minute),
		PublishedAt: now.Add(-time.Hour), Advisory: "Adds reaction",
		Corrections: []Correction{{At: now.Add(-time.Minute), Text: "Fixes the name."}}}
	embargoed := &WirePrior{Status: StatusScheduled, Source: "wire", Version: "1", VersionCreated: now.Add(-time.Minute),
		EmbargoUntil: later, Embargoed: true}
	killed := &WirePrior{Status: StatusWithdrawn, Source: "wire", Version: "3", VersionCreated: now.Add(-time.Minute), PublishedAt: now.Add(-time.Hour)}
	newsroom := &WirePrior{Status: StatusPublished, PublishedAt: now.Add(-time.Hour)}

	type want struct {
		verdict WireVerdict
		code    string
		status  Status
		embargo time.Time
	}
	for _, c := range []struct {
		name string
		old  *WirePrior
		a    Article
		want want
	}{
		{"new usable", nil, Article{Status: StatusPublished, WireVersion: "1", SourceVersion: now}, want{WireApply, "", StatusPublished, time.Time{}}},
		{"new embargoed", nil, Article{Status: StatusPublished, EmbargoUntil: later, SourceVersion: now}, want{WireApply, "", StatusScheduled, later}},
		{"new with a past embargo", nil, Article{Status: StatusPublished, EmbargoUntil: now.Add(-time.Second), SourceVersion: now}, want{WireApply, "", StatusPublished, time.Time{}}},
		{"update under embargo keeps it", embargoed, Article{Status: StatusPublished, WireVersion: "2", SourceVersion: now}, want{WireApply, "", StatusScheduled, later}},
		{"update moves the embargo", embargoed, Article{Status: StatusPublished, WireVersion: "2", EmbargoUntil: later.Add(time.Hour), SourceVersion: now}, want{WireApply, "", StatusScheduled, later.Add(time.Hour)}},
		{"update with a past embargo releases", embargoed, Article{Status: StatusPublished, WireVersion: "2", EmbargoUntil: now, SourceVersion: now}, want{WireApply, "", StatusPublished, time.Time{}}},
		{"embargo on a public story", public, Article{Status: StatusPublished, WireVersion: "3", EmbargoUntil: later, SourceVersion: now}, want{0, ECONFLICT, "", time.Time{}}},
		{"past embargo on a public story is history", public, Article{Status: StatusPublished, WireVersion: "3", EmbargoUntil: now.Add(-time.Hour), SourceVersion: now}, want{WireApply, "", StatusPublished, time.Time{}}},
		{"same second, newer number", public, Article{Status: StatusPublished, WireVersion: "3", SourceVersion: now.Add(-time.Minute)}, want{WireApply, "", StatusPublished, time.Time{}}},
		{"old version resent", public, Article{Status: StatusPublished, WireVersion: "1", SourceVersion: now}, want{WireUnchanged, "", StatusPublished, time.Time{}}},
		{"equal version resent", public, Article{Status: StatusPublished, WireVersion: "2", SourceVersion: now.Add(-time.Minute)}, want{WireUnchanged, "", StatusPublished, time.Time{}}},
		{"kill with an old timestamp", public, Article{Status: StatusWithdrawn, WireVersion: "1", SourceVersion: now.Add(-time.Hour)}, want{WireKill, "", StatusWithdrawn, time.Time{}}},
		{"kill under embargo", embargoed, Article{Status: StatusWithdrawn, SourceVersion: now}, want{WireKill, "", StatusWithdrawn, time.Time{}}},
		{"kill resent", killed, Article{Status: StatusWithdrawn, WireVersion: "4", SourceVersion: now}, want{WireUnchanged, "", StatusWithdrawn, time.Time{}}},
		{"newer version after a kill", killed, Article{Status: StatusPublished, WireVersion: "4", SourceVersion: now}, want{0, ECONFLICT, "", time.Time{}}},
		{"old version after a kill", killed, Article{Status: StatusPublished, WireVersion: "2", SourceVersion: now}, want{WireUnchanged, "", StatusPublished, time.Time{}}},
		{"withheld after publication keeps the public words", public, Article{Status: StatusWithheld, WireVersion: "3", SourceVersion: now}, want{WireWithhold, "", StatusWithheld, time.Time{}}},
		{"withheld before publication", embargoed, Article{Status: StatusWithheld, WireVersion: "3", SourceVersion: now}, want{WireApply, "", StatusWithheld, later}},
		{"newsroom story", newsroom, Article{Status: StatusPublished, SourceVersion: now}, want{0, EFORBIDDEN, "", time.Time{}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.a
			a.URI = "urn:test:1"
			v, err := ReceiveWire(c.old, &a, "wire", now)
			if c.want.code != "" {
				if ErrorCode(err) != c.want.code || ErrorMessage(err) == "" {
					t.Fatalf("err = %v, want code %s with a message", err, c.want.code)
				}
				return
			}
			if err != nil || v != c.want.verdict {
				t.Fatalf("verdict %d, %v; want %d", v, err, c.want.verdict)
			}
			if v == WireApply && (a.Status != c.want.status || !a.EmbargoUntil.Equal(c.want.embargo)) {
				t.Errorf("status %s embargo %v; want %s %v", a.Status, a.EmbargoUntil, c.want.status, c.want.embargo)
			}
			if a.Status == StatusScheduled && (!a.Embargoed || !a.PublishedAt.IsZero()) {
				t.Errorf("an embargoed story must be marked embargoed and not published: %+v", a)
			}
		})
	}
	t.Run("another source", func(t *testing.T) {
		a := Article{URI: "urn:test:1", Status: StatusPublished, WireVersion: "9", SourceVersion: now}
		if _, err := ReceiveWire(public, &a, "other", now); ErrorCode(err) != EFORBIDDEN || !strings.Contains(ErrorMessage(err), `"wire"`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("corrections and advisory kept", func(t *testing.T) {
		a := Article{URI: "urn:test:1", Status: StatusPublished, WireVersion: "3", SourceVersion: now,
			Corrections: []Correction{{At: now, Text: "Fixes the date."}, {At: now, Text: "Fixes the name."}}}
		if _, err := ReceiveWire(public, &a, "wire", now); err != nil {
			t.Fatal(err)
		}
		if a.Advisory != "Adds reaction" || len(a.Corrections) != 2 || a.Corrections[0].Text != "Fixes the name." || a.Corrections[1].Text != "Fixes the date." {
			t.Errorf("advisory %q corrections %+v", a.Advisory, a.Corrections)
		}
	})
	t.Run("first version's ednote is not an advisory", func(t *testing.T) {
		a := Article{URI: "urn:test:1", Status: StatusPublished, SourceVersion: now, Advisory: "Note to editors"}
		if _, err := ReceiveWire(nil, &a, "wire", now); err != nil || a.Advisory != "" {
			t.Errorf("advisory %q, %v", a.Advisory, err)
		}
	})
	t.Run("withheld holds the embargo for later", func(t *testing.T) {
		a := Article{URI: "urn:test:1", Status: StatusWithheld, WireVersion: "2", SourceVersion: now}
		if _, err := ReceiveWire(embargoed, &a, "wire", now); err != nil || !a.EmbargoUntil.Equal(later) {
			t.Fatalf("embargo %v, %v", a.EmbargoUntil, err)
		}
		back := &WirePrior{Status: StatusWithheld, Source: "wire", Version: "2", VersionCreated: now, EmbargoUntil: later, Embargoed: true}
		b := Article{URI: "urn:test:1", Status: StatusPublished, WireVersion: "3", SourceVersion: now}
		if _, err := ReceiveWire(back, &b, "wire", now); err != nil || b.Status != StatusScheduled || !b.EmbargoUntil.Equal(later) {
			t.Errorf("usable after withheld under embargo: %s %v %v", b.Status, b.EmbargoUntil, err)
		}
	})
}

func TestEventFor(t *testing.T) {
	for _, c := range []struct {
		old       Status
		now       Status
		embargoed bool
		want      string
	}{
		{"", StatusPublished, false, EventPublished},
		{StatusScheduled, StatusPublished, true, EventPublished},
		{StatusPublished, StatusPublished, false, EventUpdated},
		{StatusPublished, StatusWithdrawn, false, EventWithdrawn},
		{StatusPublished, StatusWithheld, false, EventWithdrawn},
		{"", StatusScheduled, true, EventEmbargoed},
		{StatusScheduled, StatusScheduled, true, EventEmbargoed},
		{"", StatusScheduled, false, ""},
		{StatusScheduled, StatusWithdrawn, true, EventEmbargoCanceled},
		{StatusWithheld, StatusWithdrawn, false, ""},
		{StatusDraft, StatusDraft, false, ""},
	} {
		a := &Article{Status: c.now, Embargoed: c.embargoed}
		if got := EventFor(c.old, a); got != c.want {
			t.Errorf("EventFor(%q -> %q) = %q, want %q", c.old, c.now, got, c.want)
		}
	}
	if PublicEvent(EventEmbargoed) || PublicEvent(EventEmbargoCanceled) || !PublicEvent(EventWithdrawn) {
		t.Error("PublicEvent lets an embargo event out or keeps a public one in")
	}
}
