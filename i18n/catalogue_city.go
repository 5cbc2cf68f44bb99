package i18n

// The reader's city: the /city page, the header's clock and weather, and
// the WMO weather conditions (lower case, as they follow a temperature).
var cityEN = map[string]string{
	"Your city":       "Your city",
	"Change the city": "Change the city",
	"Choose the city whose local time the site shows. Your choice is kept in a cookie on this device for a year.": "Choose the city whose local time the site shows. Your choice is kept in a cookie on this device for a year.",
	"Find a city": "Find a city",
	"Type part of a name to narrow the list.": "Type part of a name to narrow the list.",
	"Russia":                      "Russia",
	"World capitals":              "World capitals",
	"Use the site's default (%s)": "Use the site's default (%s)",
	"Your city is %s.":            "Your city is %s.",
	"Times on this site are shown in the agency's zone, %s.": "Times on this site are shown in the agency's zone, %s.",
	"Local time":                   "Local time",
	"Weather now":                  "Weather now",
	"No city matches.":             "No city matches.",
	"clear":                        "clear",
	"mainly clear":                 "mainly clear",
	"partly cloudy":                "partly cloudy",
	"overcast":                     "overcast",
	"fog":                          "fog",
	"rime fog":                     "rime fog",
	"light drizzle":                "light drizzle",
	"drizzle":                      "drizzle",
	"heavy drizzle":                "heavy drizzle",
	"light freezing drizzle":       "light freezing drizzle",
	"freezing drizzle":             "freezing drizzle",
	"light rain":                   "light rain",
	"rain":                         "rain",
	"heavy rain":                   "heavy rain",
	"light freezing rain":          "light freezing rain",
	"freezing rain":                "freezing rain",
	"light snow":                   "light snow",
	"snow":                         "snow",
	"heavy snow":                   "heavy snow",
	"snow grains":                  "snow grains",
	"light showers":                "light showers",
	"showers":                      "showers",
	"heavy showers":                "heavy showers",
	"snow showers":                 "snow showers",
	"heavy snow showers":           "heavy snow showers",
	"thunderstorm":                 "thunderstorm",
	"thunderstorm with hail":       "thunderstorm with hail",
	"thunderstorm with heavy hail": "thunderstorm with heavy hail",
}

var cityRU = map[string]string{
	"Your city":       "Ваш город",
	"Change the city": "Сменить город",
	"Choose the city whose local time the site shows. Your choice is kept in a cookie on this device for a year.": "Выберите город, по местному времени которого сайт покажет время. Выбор хранится в cookie на этом устройстве год.",
	"Find a city": "Найти город",
	"Type part of a name to narrow the list.": "Введите часть названия, чтобы сократить список.",
	"Russia":                      "Россия",
	"World capitals":              "Столицы мира",
	"Use the site's default (%s)": "Как на сайте по умолчанию (%s)",
	"Your city is %s.":            "Ваш город — %s.",
	"Times on this site are shown in the agency's zone, %s.": "Время на сайте указано по часовому поясу агентства, %s.",
	"Local time":                   "Местное время",
	"Weather now":                  "Погода сейчас",
	"No city matches.":             "Такого города нет в списке.",
	"clear":                        "ясно",
	"mainly clear":                 "преимущественно ясно",
	"partly cloudy":                "переменная облачность",
	"overcast":                     "пасмурно",
	"fog":                          "туман",
	"rime fog":                     "туман, изморозь",
	"light drizzle":                "слабая морось",
	"drizzle":                      "морось",
	"heavy drizzle":                "сильная морось",
	"light freezing drizzle":       "слабая ледяная морось",
	"freezing drizzle":             "ледяная морось",
	"light rain":                   "небольшой дождь",
	"rain":                         "дождь",
	"heavy rain":                   "сильный дождь",
	"light freezing rain":          "слабый ледяной дождь",
	"freezing rain":                "ледяной дождь",
	"light snow":                   "небольшой снег",
	"snow":                         "снег",
	"heavy snow":                   "сильный снег",
	"snow grains":                  "снежные зёрна",
	"light showers":                "небольшой ливень",
	"showers":                      "ливень",
	"heavy showers":                "сильный ливень",
	"snow showers":                 "снегопад",
	"heavy snow showers":           "сильный снегопад",
	"thunderstorm":                 "гроза",
	"thunderstorm with hail":       "гроза с градом",
	"thunderstorm with heavy hail": "гроза с сильным градом",
}

func init() { addCatalogue(cityEN, cityRU) }

// addCatalogue adds an area's messages in English and Russian to the
// catalogues.
func addCatalogue(en, ru map[string]string) {
	for k, v := range en {
		catalogueEN[k] = v
	}
	for k, v := range ru {
		catalogueRU[k] = v
	}
}
