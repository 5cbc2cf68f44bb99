package i18n

// Email: the unsubscribe page a message's link opens.
var mailEN = map[string]string{
	"Unsubscribe":          "Unsubscribe",
	"You are unsubscribed": "You are unsubscribed",
	"Stop sending messages of the list “%s” to %s?":  "Stop sending messages of the list “%s” to %s?",
	"%s will get no more messages of the list “%s”.": "%s will get no more messages of the list “%s”.",
	"Other lists you receive are not changed.":       "Other lists you receive are not changed.",
	"Stop messages of the list “%s” to %s.":          "Stop messages of the list “%s” to %s.",
}

var mailRU = map[string]string{
	"Unsubscribe":          "Отписаться",
	"You are unsubscribed": "Вы отписались",
	"Stop sending messages of the list “%s” to %s?":  "Больше не присылать письма рассылки «%s» на адрес %s?",
	"%s will get no more messages of the list “%s”.": "На адрес %s больше не придут письма рассылки «%s».",
	"Other lists you receive are not changed.":       "Другие рассылки, которые вы получаете, не изменятся.",
	"Stop messages of the list “%s” to %s.":          "Отписка адреса %[2]s от рассылки «%[1]s».",
}

func init() { addCatalogue(mailEN, mailRU) }
