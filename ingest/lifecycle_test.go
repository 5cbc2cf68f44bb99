package ingest

import (
	"testing"
	"time"

	"dateline"
)

func TestCorrection(t *testing.T) {
	for _, c := range []struct {
		note, want string
		ok         bool
	}{
		{"CORRECTS: the minister's name is Ivanov", "Corrects the minister's name is Ivanov", true},
		{"CORRECTION: The minister's name is Ivanov, not Ivanova.", "The minister's name is Ivanov, not Ivanova.", true},
		{"correction - fixes the date", "Fixes the date", true},
		{"CORRECTED. Fixes the date.", "Fixes the date.", true},
		{"Corrects spelling of the minister's name.", "Corrects spelling of the minister's name.", true},
		{"CORRECTS", "The story was corrected.", true},
		{"Correctness of figures checked", "", false},
		{"Adds the minister's reaction", "", false},
		{"", "", false},
	} {
		got, ok := Correction(c.note)
		if ok != c.ok || (c.want != "" && got != c.want) {
			t.Errorf("Correction(%q) = %q, %v; want %q, %v", c.note, got, ok, c.want, c.ok)
		}
	}
}

func TestMapLifecycle(t *testing.T) {
	s := service()
	doc := func(extra string) []byte {
		return []byte(`{"uri":"urn:l:1","versioncreated":"2026-11-27T09:59:58.123456Z","headlines":[{"value":"Kill notice"}],
			"bodies":[{"contenttype":"text/html","value":"<p>Story killed: <b>legal</b> reasons.</p><p>Do not use.</p>"}]` + extra + `}`)
	}
	a, _, err := s.MapDocument(doc(`,"embargoed":"2026-11-27T10:00:05.5000001Z","version":3`), dateline.DefaultSections)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 11, 27, 10, 0, 5, 501000000, time.UTC); !a.EmbargoUntil.Equal(want) {
		t.Errorf("embargo %v, want %v: rounded up to the millisecond, never early", a.EmbargoUntil, want)
	}
	if a.WireVersion != "3" || a.SourceVersion.Nanosecond() != 123000000 {
		t.Errorf("version %q versioncreated %v", a.WireVersion, a.SourceVersion)
	}
	a, _, err = s.MapDocument(doc(`,"pubstatus":"canceled"`), dateline.DefaultSections)
	if err != nil || a.Status != dateline.StatusWithdrawn || a.WithdrawNote != "Story killed: legal reasons." {
		t.Errorf("kill without ednote: %s %q %v", a.Status, a.WithdrawNote, err)
	}
	a, _, _ = s.MapDocument(doc(`,"pubstatus":"canceled","ednote":"Withdrawn on legal advice."`), dateline.DefaultSections)
	if a.WithdrawNote != "Withdrawn on legal advice." || len(a.Corrections) != 0 || a.Advisory != "" {
		t.Errorf("kill with ednote: %q", a.WithdrawNote)
	}
	a, _, _ = s.MapDocument(doc(`,"pubstatus":"withheld"`), dateline.DefaultSections)
	if a.Status != dateline.StatusWithheld {
		t.Errorf("withheld: %s", a.Status)
	}
	a, _, _ = s.MapDocument(doc(`,"ednote":"CORRECTION: The vote was on Tuesday."`), dateline.DefaultSections)
	if len(a.Corrections) != 1 || a.Corrections[0].Text != "The vote was on Tuesday." || a.Advisory != "" {
		t.Errorf("correction: %+v advisory %q", a.Corrections, a.Advisory)
	}
	a, _, _ = s.MapDocument(doc(`,"ednote":"Adds the   minister's reaction"`), dateline.DefaultSections)
	if a.Advisory != "Adds the minister's reaction" || len(a.Corrections) != 0 {
		t.Errorf("advisory %q", a.Advisory)
	}
	for _, v := range []string{`"v2"`, `"1..2"`, `-1`, `1.5e3`} {
		if _, _, err := s.MapDocument(doc(`,"version":`+v), dateline.DefaultSections); dateline.ErrorCode(err) != dateline.EUNPROCESSABLE {
			t.Errorf("version %s: %v", v, err)
		}
	}
}
