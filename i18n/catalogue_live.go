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
	// a live post's entry in its story's feed, when it has no words
	"Photo, %s":     "Photo, %s",
	"Quote, %s":     "Quote, %s",
	"Link, %s":      "Link, %s",
	"Live post, %s": "Live post, %s",
	"Live posts, updates and corrections of the story %s.": "Live posts, updates and corrections of the story %s.",
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
	"Photo, %s":          "Фото, %s",
	"Quote, %s":          "Цитата, %s",
	"Link, %s":           "Ссылка, %s",
	"Live post, %s":      "Запись, %s",
	"Live posts, updates and corrections of the story %s.": "Записи трансляции, обновления и исправления материала «%s».",
}

func init() {
	addMissing(liveEN, liveRU)
	pluralsEN["post"] = forms{one: "post", many: "posts"}
	pluralsRU["post"] = forms{"запись", "записи", "записей"}
}
