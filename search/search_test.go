package search

import (
	"strings"
	"testing"
	"unicode/utf8"

	"dateline"
)

func TestWordForms(t *testing.T) {
	same := [][]string{
		{"terrorists", "terrorist", "Terrorist's"},
		{"launches", "launched", "launching"},
		{"террористов", "террористы", "террорист"},
		{"Лаврова", "Лавров", "Лаврову"},
		{"ёлка", "елка", "ЁЛКА"},
		{"самолёт", "самолет"},
		{"café", "cafe", "CAFÉ"},
		{"Zürich", "zurich"},
		{"São", "sao"},
	}
	for _, group := range same {
		want := Terms(group[0])
		for _, w := range group[1:] {
			if got := Terms(w); strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("%q -> %v, but %q -> %v", w, got, group[0], want)
			}
		}
	}
	if Fold("Йошкар-Ола") != "йошкар-ола" {
		t.Errorf("й lost its breve: %q", Fold("Йошкар-Ола"))
	}
}

func TestParse(t *testing.T) {
	q, err := Parse(`Lavrov "central bank" -football -"press review" Syria`)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Must) != 3 || len(q.Must[1]) != 2 || len(q.Not) != 2 || len(q.Not[1]) != 2 {
		t.Errorf("parsed %+v", q)
	}
	bad := []string{"", "   ", "-", "- -", `"`, `""`, "*", "'", "--", ";", "NEAR(", "-word", "\x00", "\xff\xfe", strings.Repeat("a ", 300), "AND OR NOT", "()"}
	for _, s := range bad {
		_, err := Parse(s)
		if s == "NEAR(" || s == "AND OR NOT" {
			// Letters are words, even when another engine reads them as operators.
			if err != nil {
				t.Errorf("Parse(%q): %v", s, err)
			}
			continue
		}
		if dateline.ErrorCode(err) != dateline.EINVALID {
			t.Errorf("Parse(%q) = %v, want EINVALID", s, err)
		}
	}
	if q, err := Parse(`"unbalanced phrase`); err != nil || len(q.Must) != 1 || len(q.Must[0]) != 2 {
		t.Errorf("unbalanced quote: %+v %v", q, err)
	}
}

func TestSnippet(t *testing.T) {
	q, _ := Parse("terrorists Лавров")
	text := "The international community should prevent terrorists from moving, Sergey Lavrov said. Лаврова поддержали <коллеги>."
	got := Snippet(text, q, 200)
	if !strings.Contains(got, "<mark>terrorists</mark>") || !strings.Contains(got, "<mark>Лаврова</mark>") || !strings.Contains(got, "&lt;коллеги&gt;") {
		t.Errorf("snippet %q", got)
	}
	long := strings.Repeat("filler words here ", 50) + "the terrorists were" + strings.Repeat(" more text", 50)
	got = Snippet(long, q, 120)
	if !strings.Contains(got, "<mark>terrorists</mark>") || len(got) > 200 || !strings.HasPrefix(got, "…") {
		t.Errorf("long snippet %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`a "b c" -d`, `"`, `-"x`, "NEAR(", "\x00", "ё", `*`, `'--;`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			if dateline.ErrorCode(err) != dateline.EINVALID {
				t.Fatalf("error %v", err)
			}
			return
		}
		for _, p := range append(q.Must, q.Not...) {
			for _, term := range p {
				if term == "" || !utf8.ValidString(term) {
					t.Fatalf("bad term %q from %q", term, s)
				}
				for _, r := range term {
					if !isWordRune(r) {
						t.Fatalf("term %q from %q holds %q", term, s, r)
					}
				}
			}
		}
		Snippet(s+" text", q, 100)
	})
}
