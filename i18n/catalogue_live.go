package i18n

// Live coverage on the article page (package http/site/liveview).
var liveEN = map[string]string{
	"LIVE":               "LIVE",
	"Live updates":       "Live updates",
	"Updates":            "Updates",
	"Live coverage from": "Live coverage from",
	"to":                 "to",
	"Summary":            "Summary",
	"Key events":         "Key events",
	"Key event":          "Key event",
	"Order:":             "Order:",
	"newest first":       "newest first",
	"oldest first":       "oldest first",
	"Pages of posts":     "Pages of posts",
	"Newer posts":        "Newer posts",
	"Older posts":        "Older posts",
	"1 new post: show":   "1 new post: show",
	"new posts: show":    "new posts: show",
	"Live: %s":           "Live: %s",
}

var liveRU = map[string]string{
	"LIVE":               "ОНЛАЙН",
	"Live updates":       "Онлайн-трансляция",
	"Updates":            "Трансляция",
	"Live coverage from": "Трансляция с",
	"to":                 "до",
	"Summary":            "Главное",
	"Key events":         "Ключевые события",
	"Key event":          "Ключевое событие",
	"Order:":             "Порядок:",
	"newest first":       "сначала новые",
	"oldest first":       "сначала старые",
	"Pages of posts":     "Страницы трансляции",
	"Newer posts":        "Более новые",
	"Older posts":        "Более ранние",
	"1 new post: show":   "1 новая запись: показать",
	"new posts: show":    "новых записей: показать",
	"Live: %s":           "Онлайн: %s",
}

func init() {
	addMissing(liveEN, liveRU)
	pluralsEN["post"] = forms{one: "post", many: "posts"}
	pluralsRU["post"] = forms{"запись", "записи", "записей"}
}
