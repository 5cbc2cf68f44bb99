package storetest

import (
	"testing"
	"time"

	"dateline"
	"dateline/storetest/kit"
)

var editionTests = []kit.Test{
	{Name: "EditionSections", Fn: testEditionSections},
	{Name: "Translations", Fn: testTranslations},
	{Name: "TagLabels", Fn: testTagLabels},
	{Name: "EditionTop", Fn: testEditionTop},
}

func testEditionSections(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru", Codes: []string{"ru:politics"}}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	ss, err := s.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	langs := map[string]string{}
	for _, sec := range ss {
		langs[sec.Slug] = sec.Lang
	}
	if langs["politika"] != "ru" || langs["politics"] != "en" {
		t.Fatalf("section languages = %v, want politika ru and politics en", langs)
	}
	// Moving a section to another edition is a save like any other.
	ru.Lang = "en"
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	ss, _ = s.Sections(ctx)
	for _, sec := range ss {
		if sec.Slug == "politika" && sec.Lang != "en" {
			t.Errorf("politika lang = %q after moving it, want en", sec.Lang)
		}
	}
	bad := dateline.Section{Slug: "deutsch", Name: "Deutsch", Lang: "de"}
	wantCode(t, s.SaveSection(ctx, &bad), dateline.EINVALID)
}

func testTranslations(t *testing.T, s dateline.Store) {
	ru := dateline.Section{Slug: "politika", Name: "Политика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &ru); err != nil {
		t.Fatal(err)
	}
	en := article("urn:tr:en", "politics", base.Add(-2*time.Hour))
	ruA := article("urn:tr:ru", "politika", base.Add(-time.Hour))
	ruA.Lang, ruA.Headline = "ru", "Заголовок"
	ru2 := article("urn:tr:ru2", "politika", base.Add(-30*time.Minute))
	ru2.Lang = "ru"
	draft := article("urn:tr:draft", "politics", base)
	draft.Status = dateline.StatusDraft
	rs := upsert(t, s, base, en, ruA, ru2, draft)
	enID, ruID, ru2ID, draftID := rs[0].ID, rs[1].ID, rs[2].ID, rs[3].ID

	if got, err := s.Translations(ctx, enID); err != nil || len(got) != 0 {
		t.Fatalf("Translations before any link = %v, %v; want none", got, err)
	}
	if err := s.LinkTranslation(ctx, ruID, enID); err != nil {
		t.Fatal(err)
	}
	got, err := s.Translations(ctx, enID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != ruID || got[0].Lang != "ru" || got[0].Section != "politika" || got[0].Headline != "Заголовок" {
		t.Fatalf("Translations(en) = %+v, want the Russian story", got)
	}
	if got, _ := s.Translations(ctx, ruID); len(got) != 1 || got[0].ID != enID || got[0].Lang != "en" {
		t.Fatalf("Translations(ru) = %+v, want the English story", got)
	}
	if of, err := s.TranslationOf(ctx, ruID); err != nil || of != enID {
		t.Fatalf("TranslationOf(ru) = %d, %v; want %d", of, err, enID)
	}

	// A second Russian version of the same story is refused; nothing changes.
	wantCode(t, s.LinkTranslation(ctx, ru2ID, enID), dateline.EINVALID)
	wantCode(t, s.LinkTranslation(ctx, enID, enID), dateline.EINVALID)
	wantCode(t, s.LinkTranslation(ctx, 999999, enID), dateline.ENOTFOUND)
	wantCode(t, s.LinkTranslation(ctx, ru2ID, 999999), dateline.ENOTFOUND)
	if got, _ := s.Translations(ctx, enID); len(got) != 1 {
		t.Fatalf("refused links changed the group: %+v", got)
	}

	// Unpublished members stay out of what readers see.
	if err := s.LinkTranslation(ctx, draftID, ru2ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Translations(ctx, ru2ID); len(got) != 0 {
		t.Fatalf("a draft is shown as a translation: %+v", got)
	}

	// Relinking moves a story between groups; unlinking leaves nobody
	// alone in a group.
	if err := s.LinkTranslation(ctx, ruID, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Translations(ctx, enID); len(got) != 0 {
		t.Fatalf("after unlinking, Translations(en) = %+v", got)
	}
	if of, _ := s.TranslationOf(ctx, enID); of != 0 {
		t.Fatalf("after unlinking, TranslationOf(en) = %d, want 0", of)
	}
	if err := s.LinkTranslation(ctx, enID, ruID); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Translations(ctx, ruID); len(got) != 1 || got[0].ID != enID {
		t.Fatalf("relinked: Translations(ru) = %+v", got)
	}

	// Withdrawal hides the translation at once.
	w := article("urn:tr:en", "politics", base.Add(-2*time.Hour))
	w.Status, w.SourceVersion = dateline.StatusWithdrawn, base.Add(time.Minute)
	upsert(t, s, base.Add(time.Minute), w)
	if got, _ := s.Translations(ctx, ruID); len(got) != 0 {
		t.Fatalf("a withdrawn story is shown as a translation: %+v", got)
	}
}

// testTagLabels: a story keeps the name it gives a tag that another story
// made under another spelling, and the tag keeps its own.
func testTagLabels(t *testing.T, s dateline.Store) {
	en := article("urn:label:en", "economy", base.Add(-time.Hour))
	en.Persons = []dateline.Person{{Name: "Elvira Nabiullina"}}
	en.Topics = []dateline.Topic{{Name: "Key rate"}}
	sec := dateline.Section{Slug: "ekonomika", Name: "Экономика", Position: 20, Lang: "ru"}
	if err := s.SaveSection(ctx, &sec); err != nil {
		t.Fatal(err)
	}
	ru := article("urn:label:ru", "ekonomika", base)
	ru.Lang = "ru"
	ru.Persons = []dateline.Person{{Name: "Эльвира Набиуллина"}}
	ru.Topics = []dateline.Topic{{Name: "Key rate"}}
	rs := upsert(t, s, base, en, ru)
	gotEN, err := s.Article(ctx, rs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	gotRU, err := s.Article(ctx, rs[1].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(gotRU.Persons) != 1 || len(gotEN.Persons) != 1 || gotRU.Persons[0].Slug != gotEN.Persons[0].Slug {
		t.Fatalf("persons en %+v ru %+v, want one tag", gotEN.Persons, gotRU.Persons)
	}
	if gotEN.Persons[0].Name != "Elvira Nabiullina" || gotRU.Persons[0].Name != "Эльвира Набиуллина" {
		t.Errorf("names en %q ru %q, want each story's own", gotEN.Persons[0].Name, gotRU.Persons[0].Name)
	}
	if gotRU.Topics[0].Name != "Key rate" {
		t.Errorf("topic %q", gotRU.Topics[0].Name)
	}
	p, err := s.Person(ctx, gotRU.Persons[0].Slug)
	if err != nil || p.Name != "Elvira Nabiullina" {
		t.Errorf("the tag's own name = %v, %v", p, err)
	}
	// Each edition names the tag as its stories do.
	for _, tc := range []struct{ kind, slug, lang, want string }{
		{dateline.TagPerson, p.Slug, "ru", "Эльвира Набиуллина"},
		{dateline.TagPerson, p.Slug, "en", ""},
		{dateline.TagTopic, gotRU.Topics[0].Slug, "ru", ""},
		{dateline.TagPerson, "nobody", "ru", ""},
	} {
		if got, err := s.TagLabel(ctx, tc.kind, tc.slug, tc.lang); err != nil || got != tc.want {
			t.Errorf("TagLabel(%s, %s, %s) = %q, %v; want %q", tc.kind, tc.slug, tc.lang, got, err, tc.want)
		}
	}
}
