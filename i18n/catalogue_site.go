package i18n

// siteRU is the reader site's interface text: pages, lists, search and
// errors. English entries are the keys themselves.
var siteRU = map[string]string{
	"%d: something is wrong with the request": "%d: в запросе что-то не так",
	"%s in this article":                      "%s в этой статье",
	"%s: news":                                "%s: новости",
	"%s: the latest news from %s.":            "%s: последние новости %s.",
	"%s: the latest news.":                    "%s: последние новости.",
	"All sections":                            "Все рубрики",
	"All the latest news":                     "Все последние новости",
	"BREAKING":                                "СРОЧНО",
	"By relevance":                            "По релевантности",
	"CORRECTED":                               "ИСПРАВЛЕНО",
	"Check the spelling, or use fewer or more general words.": "Проверьте написание или используйте меньше слов либо более общие слова.",
	"Earlier report": "Предыдущее сообщение",
	"Email":          "Почта",
	"Every story as it is published, newest first.": "Все материалы по мере публикации, сначала новые.",
	"FLASH":             "МОЛНИЯ",
	"Filters and order": "Фильтры и порядок",
	"Follow topics: their stories in the feed are marked “On a subject”. Kept in this browser only.": "Следите за темами: их материалы в ленте отмечены «По теме». Хранится только в этом браузере.",
	"From (date)":              "С",
	"How this story developed": "Развитие событий",
	"In other media":           "В других СМИ",
	"Infographics":             "Инфографика",
	"Indexes":                  "Указатели",
	"Rates":                    "Курсы",
	"Back to top":              "Наверх",
	"(in English)":             "(англ.)",
	"(in Russian)":             "(рус.)",
	"Running stories":          "Сюжеты",
	"latest %s":                "последний %s",
	"It was withdrawn on %s.":  "Материал отозван %s.",
	"Main page":                "Главная",
	"More than %d results; the newest are shown": "Больше %d результатов; показаны самые новые",
	"Most read in the last hour":                 "Самое читаемое за последний час",
	"Most read this week":                        "Самое читаемое за неделю",
	"Most read today":                            "Самое читаемое сегодня",
	"Newest first":                               "Сначала новые",
	"News":                                       "Новости",
	"News search":                                "Поиск по новостям",
	"Next":                                       "Далее",
	"No articles yet.":                           "Материалов пока нет.",
	"No galleries yet.":                          "Фотогалерей пока нет.",
	"No infographics yet.":                       "Инфографики пока нет.",
	"Nothing has been published here yet.":       "Здесь пока ничего не опубликовано.",
	"Nothing read yet in the last hour.":         "За последний час еще ничего не прочитано.",
	"Nothing read yet today.":                    "Сегодня еще ничего не прочитано.",
	"Nothing was found with these filters.":      "С этими фильтрами ничего не найдено.",
	"Nothing was found.":                         "Ничего не найдено.",
	"Order":                                      "Порядок",
	"Pages of this article":                      "Страницы статьи",
	"Partner News":                               "Новости партнеров",
	"Preview: readers do not see this page. Every page of the story is shown one after another.": "Предпросмотр: читатели не видят эту страницу. Все страницы материала показаны подряд.",
	"Previous":     "Назад",
	"Result pages": "Страницы результатов",
	"Save":         "Сохранить",
	"Save words to watch for: stories in the feed whose headline has them all are marked “Search result”. Kept in this browser only.": "Сохраните слова для отслеживания: материалы ленты, в заголовке которых есть все эти слова, отмечены «Результат поиска». Хранится только в этом браузере.",
	"Search again without the filters": "Искать снова без фильтров",
	"Search every story by words in any form; put “quotes” around an exact phrase and a minus before a word to leave it out.": "Ищите по словам в любой форме; точную фразу возьмите в «кавычки», а перед словом, которое нужно исключить, поставьте минус.",
	"Search for":                             "Искать",
	"Search the news":                        "Поиск по новостям",
	"Search these stories":                   "Искать в этих материалах",
	"Section":                                "Рубрика",
	"Show all news":                          "Показать все новости",
	"Showing only: %s.":                      "Показаны только: %s.",
	"Site":                                   "Сайт",
	"Site search":                            "Поиск по сайту",
	"Skip to content":                        "Перейти к содержанию",
	"Standard view":                          "Обычный вид",
	"Stories on the topic %s, newest first.": "Материалы по теме «%s», сначала новые.",
	"Stories that mention %s, newest first.": "Материалы, в которых упоминается %s, сначала новые.",
	"Story":                                  "Сюжет",
	"Follow this story by feed":              "Следить за сюжетом в ленте",
	"Follow this story's updates by feed":    "Следить за обновлениями материала в ленте",
	"The story %s as it develops, newest first.": "Сюжет «%s» по мере развития, сначала новое.",
	"Updates and corrections of the story %s.":   "Обновления и исправления материала «%s».",
	"Correction: %s": "Исправление: %s",
	"The story “%s” has been withdrawn: its feed has ended.": "Материал «%s» отозван: его лента закрыта.",
	"The latest news":          "Последние новости",
	"The latest news from %s.": "Последние новости %s.",
	"The latest news: %s.":     "Последние новости: %s.",
	"The main page":            "Главная страница",
	"The story “%s” has been withdrawn and is no longer available.":                   "Материал «%s» отозван и больше недоступен.",
	"This story in other languages:":                                                  "Этот материал на других языках:",
	"This story is withheld for now":                                                  "Материал временно снят",
	"The story at this address is withheld for now. It may be published again later.": "Материал по этому адресу временно снят. Позже он может быть опубликован снова.",
	"Withheld for now":                 "Временно снят",
	"This story was withdrawn":         "Материал отозван",
	"Timeline":                         "Хроника",
	"Times are shown in %s time (%s).": "Время указано по городу %s (%s).",
	"To (date)":                        "По",
	"UPDATE":                           "ОБНОВЛЕНИЕ",
	"URGENT":                           "СРОЧНО",
	"Where to go from here":            "Куда перейти",
	"Why:":                             "Причина:",
	"Withdrawn":                        "Отозван",
	"Word forms are found for you: “terrorists” also finds “terrorist”, “Лаврова” finds “Лавров”.": "Формы слов находятся сами: «террористы» найдет и «террорист», «Лаврова» — «Лавров».",
	"Words to watch for":                                              "Слова для отслеживания",
	"Words, \"exact phrases\", -excluded":                             "Слова, \"точные фразы\", -исключения",
	"You can filter your feed by choosing only interesting sections.": "Вы можете настроить ленту, выбрав только интересные рубрики.",
	"Demo figures, not official rates: made up from the official file of the last day so that the chart has a line.": "Демонстрационные данные, не официальные курсы: выведены из официального файла последнего дня, чтобы на графике была линия.",
	"No conversion: check the amount, the currencies and the date.":                                                  "Пересчет не выполнен: проверьте сумму, валюты и дату.",
	"Choose the city whose local time the site shows.":                                                               "Выберите город, по местному времени которого сайт покажет время.",
	"mentioning %s":   "с упоминанием: %s",
	"on the topic %s": "по теме «%s»",
}

// siteEN are the English texts of keys that are not English text
// themselves: words that Russian translates differently by use.
var siteEN = map[string]string{
	"From (date)": "From",
	"To (date)":   "To",
}

// sitePlurals are the counted words of the reader site.
var sitePlurals = map[string][2]forms{
	"result": {{one: "result", many: "results"}, {"результат", "результата", "результатов"}},
}

func init() {
	for k, v := range siteRU {
		catalogueEN[k] = k
		if en, ok := siteEN[k]; ok {
			catalogueEN[k] = en
		}
		catalogueRU[k] = v
	}
	for k, f := range sitePlurals {
		pluralsEN[k], pluralsRU[k] = f[0], f[1]
	}
}
