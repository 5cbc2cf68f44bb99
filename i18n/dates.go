package i18n

import (
	"strconv"
	"time"
)

// The functions below format t in t's own location; convert it first, for
// example with t.In(city.Location()), to show a reader's local time.

// monthsRU are month names in the genitive case, as used with a day number.
var monthsRU = [12]string{
	"января", "февраля", "марта", "апреля", "мая", "июня",
	"июля", "августа", "сентября", "октября", "ноября", "декабря",
}

// weekdaysRU are indexed by time.Weekday, which starts on Sunday.
var weekdaysRU = [7]string{
	"воскресенье", "понедельник", "вторник", "среда", "четверг", "пятница", "суббота",
}

// Date returns the day and month: "November 27" or "27 ноября".
func Date(lang Lang, t time.Time) string {
	if lang == RU {
		return strconv.Itoa(t.Day()) + " " + monthsRU[t.Month()-1]
	}
	return t.Month().String() + " " + strconv.Itoa(t.Day())
}

// DateYear returns the full date: "November 27, 2026" or "27 ноября 2026 года".
func DateYear(lang Lang, t time.Time) string {
	if lang == RU {
		return Date(lang, t) + " " + strconv.Itoa(t.Year()) + " года"
	}
	return Date(lang, t) + ", " + strconv.Itoa(t.Year())
}

// Weekday returns the day of the week: "Friday" or "пятница". Russian names
// are lower-case, as they are written mid-sentence.
func Weekday(lang Lang, t time.Time) string {
	if lang == RU {
		return weekdaysRU[t.Weekday()]
	}
	return t.Weekday().String()
}

// Clock returns the 24-hour time, "13:43", in both languages.
func Clock(lang Lang, t time.Time) string {
	return t.Format("15:04")
}

// Stamp returns the date and time of a story: "November 27, 13:43" or
// "27 ноября, 13:43".
func Stamp(lang Lang, t time.Time) string {
	return Date(lang, t) + ", " + Clock(lang, t)
}
