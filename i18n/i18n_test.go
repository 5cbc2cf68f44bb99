package i18n

import (
	"strings"
	"testing"
	"time"
	"unicode"
)

func TestT(t *testing.T) {
	tests := []struct {
		name string
		lang Lang
		key  string
		args []any
		want string
	}{
		{"english", EN, "Top stories", nil, "Top stories"},
		{"russian", RU, "Top stories", nil, "Главное"},
		{"russian city", RU, "Select the city", nil, "Выберите город"},
		{"russian not found", RU, "Page not found", nil, "Страница не найдена"},
		{"unknown language falls back to English", Lang("de"), "Most read", nil, "Most read"},
		{"missing key falls back to the key", RU, "No such message", nil, "No such message"},
		{"format english", EN, "Page %d of %d", []any{2, 5}, "Page 2 of 5"},
		{"format russian", RU, "Page %d of %d", []any{2, 5}, "Страница 2 из 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := T(tt.lang, tt.key, tt.args...); got != tt.want {
				t.Errorf("T(%q, %q) = %q, want %q", tt.lang, tt.key, got, tt.want)
			}
		})
	}
}

func TestTFallsBackToEnglish(t *testing.T) {
	catalogueEN["test-only key"] = "English only"
	defer delete(catalogueEN, "test-only key")
	if got := T(RU, "test-only key"); got != "English only" {
		t.Errorf("T(ru) = %q, want the English text", got)
	}
}

func TestCatalogues(t *testing.T) {
	if len(catalogueEN) < 40 {
		t.Errorf("English catalogue has %d keys, want at least 40", len(catalogueEN))
	}
	for key, msg := range catalogueRU {
		if _, ok := catalogueEN[key]; !ok {
			t.Errorf("Russian key %q is missing from the English catalogue", key)
		}
		if strings.Count(msg, "%") != strings.Count(key, "%") {
			t.Errorf("%q: Russian %q has different format verbs", key, msg)
		}
		if !strings.ContainsFunc(msg, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
			t.Errorf("%q: Russian %q has no Cyrillic letters", key, msg)
		}
	}
	for key := range catalogueEN {
		if _, ok := catalogueRU[key]; !ok {
			t.Errorf("English key %q has no Russian translation", key)
		}
	}
	for key := range pluralsRU {
		if _, ok := pluralsEN[key]; !ok {
			t.Errorf("Russian plural %q is missing from the English plurals", key)
		}
	}
	for key := range pluralsEN {
		if _, ok := pluralsRU[key]; !ok {
			t.Errorf("English plural %q has no Russian forms", key)
		}
	}
}

func TestPluralRussian(t *testing.T) {
	const one, few, many = "страница", "страницы", "страниц"
	tests := []struct {
		ns   []int
		want string
	}{
		{[]int{0}, many},
		{[]int{1}, one},
		{[]int{2, 3, 4}, few},
		{[]int{5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}, many},
		{[]int{21}, one},
		{[]int{22, 23, 24}, few},
		{[]int{25, 30}, many},
		{[]int{100}, many},
		{[]int{101}, one},
		{[]int{102, 103, 104}, few},
		{[]int{111, 112, 113, 114}, many},
		{[]int{121, 1001}, one},
		{[]int{122, 1022}, few},
		{[]int{1011, 1012}, many},
		{[]int{-1}, one},
		{[]int{-5}, many},
	}
	for _, tt := range tests {
		for _, n := range tt.ns {
			if got := Plural(RU, n, one, few, many); got != tt.want {
				t.Errorf("Plural(ru, %d) = %q, want %q", n, got, tt.want)
			}
		}
	}
}

func TestN(t *testing.T) {
	tests := []struct {
		lang Lang
		key  string
		n    int
		want string
	}{
		{EN, "page", 0, "0 pages"},
		{EN, "page", 1, "1 page"},
		{EN, "page", 2, "2 pages"},
		{EN, "page", 21, "21 pages"},
		{EN, "photo", 1, "1 photo"},
		{EN, "story", 3, "3 stories"},
		{EN, "new story", 1, "1 new story"},
		{EN, "new story", 7, "7 new stories"},
		{RU, "page", 1, "1 страница"},
		{RU, "page", 2, "2 страницы"},
		{RU, "page", 5, "5 страниц"},
		{RU, "page", 11, "11 страниц"},
		{RU, "page", 21, "21 страница"},
		{RU, "page", 22, "22 страницы"},
		{RU, "page", 111, "111 страниц"},
		{RU, "photo", 3, "3 фотографии"},
		{RU, "story", 25, "25 материалов"},
		{RU, "new story", 1, "1 новый материал"},
		{RU, "new story", 4, "4 новых материала"},
		{RU, "new story", 12, "12 новых материалов"},
		{Lang("de"), "page", 2, "2 pages"},
		{RU, "widget", 2, "2 widget"},
	}
	for _, tt := range tests {
		if got := N(tt.lang, tt.key, tt.n); got != tt.want {
			t.Errorf("N(%q, %q, %d) = %q, want %q", tt.lang, tt.key, tt.n, got, tt.want)
		}
	}
}

func TestPluralEnglish(t *testing.T) {
	for n, want := range map[int]string{0: "pages", 1: "page", 2: "pages", 4: "pages", 11: "pages", 21: "pages", 101: "pages"} {
		if got := Plural(EN, n, "page", "", "pages"); got != want {
			t.Errorf("Plural(en, %d) = %q, want %q", n, got, want)
		}
	}
}

func TestDates(t *testing.T) {
	en := []string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
	ru := []string{"января", "февраля", "марта", "апреля", "мая", "июня",
		"июля", "августа", "сентября", "октября", "ноября", "декабря"}
	for m := time.January; m <= time.December; m++ {
		d := time.Date(2026, m, 27, 13, 43, 0, 0, time.UTC)
		checks := []struct{ got, want string }{
			{Date(EN, d), en[m-1] + " 27"},
			{Date(RU, d), "27 " + ru[m-1]},
			{DateYear(EN, d), en[m-1] + " 27, 2026"},
			{DateYear(RU, d), "27 " + ru[m-1] + " 2026 года"},
			{Stamp(EN, d), en[m-1] + " 27, 13:43"},
			{Stamp(RU, d), "27 " + ru[m-1] + ", 13:43"},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %q, want %q", m, c.got, c.want)
			}
		}
	}
}

func TestDateExamples(t *testing.T) {
	d := time.Date(2026, 11, 27, 13, 43, 0, 0, time.UTC)
	tests := []struct{ got, want string }{
		{Date(EN, d), "November 27"},
		{Date(RU, d), "27 ноября"},
		{DateYear(EN, d), "November 27, 2026"},
		{DateYear(RU, d), "27 ноября 2026 года"},
		{Weekday(EN, d), "Friday"},
		{Weekday(RU, d), "пятница"},
		{Clock(EN, d), "13:43"},
		{Clock(RU, d), "13:43"},
		{Clock(RU, d.Add(-13*time.Hour)), "00:43"},
		{Stamp(EN, d), "November 27, 13:43"},
		{Stamp(RU, d), "27 ноября, 13:43"},
		{Date(RU, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)), "1 марта"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestWeekdays(t *testing.T) {
	ru := []string{"понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"}
	en := []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	monday := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	for i := range 7 {
		d := monday.AddDate(0, 0, i)
		if got := Weekday(RU, d); got != ru[i] {
			t.Errorf("Weekday(ru, %s) = %q, want %q", d.Format(time.DateOnly), got, ru[i])
		}
		if got := Weekday(EN, d); got != en[i] {
			t.Errorf("Weekday(en, %s) = %q, want %q", d.Format(time.DateOnly), got, en[i])
		}
	}
}
