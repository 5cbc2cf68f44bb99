package i18n

// Readers' email subscriptions: the form, the confirmation and
// management pages, and the messages (package newsletter).
var newsRU = map[string]string{
	"Email alerts":                       "Рассылки по почте",
	"Check your inbox":                   "Проверьте почту",
	"Your subscriptions":                 "Ваши подписки",
	"Deleted":                            "Удалено",
	"All your subscriptions:":            "Все ваши подписки:",
	"Breaking news (%s)":                 "Срочные новости (%s)",
	"Breaking: %s":                       "Срочно: %s",
	"Choose at least one thing to send.": "Выберите хотя бы одну рассылку.",
	"Confirm here:":                      "Подтвердите здесь:",
	"Confirm your subscription":          "Подтвердите подписку",
	"Daily digest (%s)":                  "Дайджест дня (%s)",
	"If it was not you, do nothing: nothing will be sent.": "Если это были не вы, ничего не делайте: писем не будет.",
	"Manage your subscriptions":                            "Управлять подписками",
	"Person: %s":                                           "Персона: %s",
	"Read the story":                                       "Читать материал",
	"Read the story:":                                      "Читать материал:",
	"Someone, we hope you, asked to send this address:":    "Кто-то, надеемся, вы, попросил присылать на этот адрес:",
	"The form could not be read: send it from this page, at most 8 KB.": "Форму не удалось прочитать: отправьте её с этой страницы, не больше 8 КБ.",
	"Topic: %s": "Тема: %s",
	"You receive this because you subscribed to “%s”. Unsubscribe:": "Вы получили это письмо, потому что подписались на рассылку «%s». Отписаться:",
	"You receive this because you subscribed to “%s”.":              "Вы получили это письмо, потому что подписались на рассылку «%s».",
	"“%s” is not something this site sends: choose from the list.":  "Рассылки «%s» на сайте нет: выберите из списка.",
	"%s and all its subscriptions are deleted.":                     "Адрес %s и все его подписки удалены.",
	"News by email: breaking news within a minute of an urgent story, a daily digest at the hour you choose, or the new stories of a topic or a person, at most once an hour. Nothing is sent before you confirm from the message we send you.": "Новости по почте: срочные — в течение минуты после сообщения, дайджест дня — в выбранный час, новое по теме или персоне — не чаще раза в час. Пока вы не подтвердите подписку из нашего письма, ничего не придёт.",
	"The daily digest": "Дайджест дня",
	"At":               "В",
	"time in":          "по времени города",
	"Only these sections (none: the whole edition):":                                                    "Только эти рубрики (ни одной — вся версия сайта):",
	"The digest's hour is a whole hour from 0 to 23.":                                                   "Час дайджеста — целое число от 0 до 23.",
	"Choose your city from the list: its time zone sets the digest's hour.":                             "Выберите город из списка: по его часовому поясу придёт дайджест.",
	"“%s” is not a section of a digest you chose: choose from the list, and the digest of its edition.": "«%s» — не рубрика выбранного дайджеста: выберите рубрику из списка и дайджест её версии сайта.",
	"Your daily digest, %s":            "Ваш дайджест, %s",
	"New on %s":                        "Новое: %s",
	"Confirm the subscriptions of %s?": "Подтвердить подписки адреса %s?",
	"Confirm":                          "Подтвердить",
	"Delete my address and all its subscriptions":  "Удалить мой адрес и все подписки",
	"Download everything we keep about you (JSON)": "Скачать всё, что мы храним о вас (JSON)",
	"None.":                    "Нет.",
	"Stop":                     "Отписаться",
	"Subscriptions of %s:":     "Подписки адреса %s:",
	"What to send":             "Что присылать",
	"Your email address":       "Ваш адрес электронной почты",
	"active":                   "действует",
	"waiting for confirmation": "ждёт подтверждения",
	"We keep your address, the language of the messages and what you chose; nothing else. Every message has a link to stop it and to manage or delete all your subscriptions.": "Мы храним ваш адрес, язык писем и выбранные рассылки, больше ничего. В каждом письме есть ссылка, чтобы отписаться, изменить или удалить все подписки.",
	"We sent a message to %s. Open the link in it to confirm: nothing is sent before.":                                                                                         "Мы отправили письмо на адрес %s. Откройте ссылку в нём, чтобы подтвердить подписку: до этого ничего не придёт.",
	"Confirmed: you will receive what you chose.": "Подписка подтверждена: вы будете получать то, что выбрали.",
	"Stopped: %s.": "Отписка: %s.",
	"Say which subscription to stop: use the buttons of this page.": "Укажите, от какой рассылки отписаться: используйте кнопки на этой странице.",
	"Russian edition":           "русская версия",
	"English edition":           "английская версия",
	"Write your email address.": "Напишите адрес электронной почты.",
	"“%s” is not an email address: write it as name@example.org.":                                          "«%s» — не адрес электронной почты: напишите его как name@example.org.",
	"This link is not valid: it may have been cut when it was copied. Use the link in the message itself.": "Ссылка недействительна: возможно, её обрезали при копировании. Откройте ссылку из самого письма.",
	"By email":            "По почте",
	"(new stories on %s)": "(новое по теме «%s»)",
	"unsubscribed: subscribe again with the form to resume": "отписка: чтобы снова получать, подпишитесь через форму",
}

func init() {
	en := make(map[string]string, len(newsRU))
	for k := range newsRU {
		en[k] = k
	}
	addCatalogue(en, newsRU)
}
