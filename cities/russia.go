package cities

// russia holds the administrative centre of each federal subject: 22
// republics, 9 krais, 46 oblasts, 3 federal cities, 1 autonomous oblast and 4
// autonomous okrugs (the 85 subjects counted before 2022).
//
// Moscow Oblast and Leningrad Oblast are listed under the seats of their
// governments, Krasnogorsk and Gatchina; Moscow and Saint Petersburg appear
// as federal cities.
//
// Simferopol and Sevastopol are listed with Country "UA", as ISO 3166-1
// assigns Crimea; the editors may want to revisit this.
var russia = []City{
	// Federal cities.
	{"moscow", "Moscow", "Москва", "Europe/Moscow", "RU"},
	{"saint-petersburg", "Saint Petersburg", "Санкт-Петербург", "Europe/Moscow", "RU"},
	{"sevastopol", "Sevastopol", "Севастополь", "Europe/Simferopol", "UA"},

	// Republics.
	{"maykop", "Maykop", "Майкоп", "Europe/Moscow", "RU"},
	{"gorno-altaysk", "Gorno-Altaysk", "Горно-Алтайск", "Asia/Barnaul", "RU"},
	{"ufa", "Ufa", "Уфа", "Asia/Yekaterinburg", "RU"},
	{"ulan-ude", "Ulan-Ude", "Улан-Удэ", "Asia/Irkutsk", "RU"},
	{"makhachkala", "Makhachkala", "Махачкала", "Europe/Moscow", "RU"},
	{"magas", "Magas", "Магас", "Europe/Moscow", "RU"},
	{"nalchik", "Nalchik", "Нальчик", "Europe/Moscow", "RU"},
	{"elista", "Elista", "Элиста", "Europe/Moscow", "RU"},
	{"cherkessk", "Cherkessk", "Черкесск", "Europe/Moscow", "RU"},
	{"petrozavodsk", "Petrozavodsk", "Петрозаводск", "Europe/Moscow", "RU"},
	{"syktyvkar", "Syktyvkar", "Сыктывкар", "Europe/Moscow", "RU"},
	{"simferopol", "Simferopol", "Симферополь", "Europe/Simferopol", "UA"},
	{"yoshkar-ola", "Yoshkar-Ola", "Йошкар-Ола", "Europe/Moscow", "RU"},
	{"saransk", "Saransk", "Саранск", "Europe/Moscow", "RU"},
	{"yakutsk", "Yakutsk", "Якутск", "Asia/Yakutsk", "RU"},
	{"vladikavkaz", "Vladikavkaz", "Владикавказ", "Europe/Moscow", "RU"},
	{"kazan", "Kazan", "Казань", "Europe/Moscow", "RU"},
	{"kyzyl", "Kyzyl", "Кызыл", "Asia/Krasnoyarsk", "RU"},
	{"izhevsk", "Izhevsk", "Ижевск", "Europe/Samara", "RU"},
	{"abakan", "Abakan", "Абакан", "Asia/Krasnoyarsk", "RU"},
	{"grozny", "Grozny", "Грозный", "Europe/Moscow", "RU"},
	{"cheboksary", "Cheboksary", "Чебоксары", "Europe/Moscow", "RU"},

	// Krais.
	{"barnaul", "Barnaul", "Барнаул", "Asia/Barnaul", "RU"},
	{"chita", "Chita", "Чита", "Asia/Chita", "RU"},
	{"petropavlovsk-kamchatsky", "Petropavlovsk-Kamchatsky", "Петропавловск-Камчатский", "Asia/Kamchatka", "RU"},
	{"krasnodar", "Krasnodar", "Краснодар", "Europe/Moscow", "RU"},
	{"krasnoyarsk", "Krasnoyarsk", "Красноярск", "Asia/Krasnoyarsk", "RU"},
	{"perm", "Perm", "Пермь", "Asia/Yekaterinburg", "RU"},
	{"vladivostok", "Vladivostok", "Владивосток", "Asia/Vladivostok", "RU"},
	{"stavropol", "Stavropol", "Ставрополь", "Europe/Moscow", "RU"},
	{"khabarovsk", "Khabarovsk", "Хабаровск", "Asia/Vladivostok", "RU"},

	// Oblasts.
	{"blagoveshchensk", "Blagoveshchensk", "Благовещенск", "Asia/Yakutsk", "RU"},
	{"arkhangelsk", "Arkhangelsk", "Архангельск", "Europe/Moscow", "RU"},
	{"astrakhan", "Astrakhan", "Астрахань", "Europe/Astrakhan", "RU"},
	{"belgorod", "Belgorod", "Белгород", "Europe/Moscow", "RU"},
	{"bryansk", "Bryansk", "Брянск", "Europe/Moscow", "RU"},
	{"vladimir", "Vladimir", "Владимир", "Europe/Moscow", "RU"},
	{"volgograd", "Volgograd", "Волгоград", "Europe/Volgograd", "RU"},
	{"vologda", "Vologda", "Вологда", "Europe/Moscow", "RU"},
	{"voronezh", "Voronezh", "Воронеж", "Europe/Moscow", "RU"},
	{"ivanovo", "Ivanovo", "Иваново", "Europe/Moscow", "RU"},
	{"irkutsk", "Irkutsk", "Иркутск", "Asia/Irkutsk", "RU"},
	{"kaliningrad", "Kaliningrad", "Калининград", "Europe/Kaliningrad", "RU"},
	{"kaluga", "Kaluga", "Калуга", "Europe/Moscow", "RU"},
	{"kemerovo", "Kemerovo", "Кемерово", "Asia/Novokuznetsk", "RU"},
	{"kirov", "Kirov", "Киров", "Europe/Kirov", "RU"},
	{"kostroma", "Kostroma", "Кострома", "Europe/Moscow", "RU"},
	{"kurgan", "Kurgan", "Курган", "Asia/Yekaterinburg", "RU"},
	{"kursk", "Kursk", "Курск", "Europe/Moscow", "RU"},
	{"gatchina", "Gatchina", "Гатчина", "Europe/Moscow", "RU"},
	{"lipetsk", "Lipetsk", "Липецк", "Europe/Moscow", "RU"},
	{"magadan", "Magadan", "Магадан", "Asia/Magadan", "RU"},
	{"krasnogorsk", "Krasnogorsk", "Красногорск", "Europe/Moscow", "RU"},
	{"murmansk", "Murmansk", "Мурманск", "Europe/Moscow", "RU"},
	{"nizhny-novgorod", "Nizhny Novgorod", "Нижний Новгород", "Europe/Moscow", "RU"},
	{"veliky-novgorod", "Veliky Novgorod", "Великий Новгород", "Europe/Moscow", "RU"},
	{"novosibirsk", "Novosibirsk", "Новосибирск", "Asia/Novosibirsk", "RU"},
	{"omsk", "Omsk", "Омск", "Asia/Omsk", "RU"},
	{"orenburg", "Orenburg", "Оренбург", "Asia/Yekaterinburg", "RU"},
	{"oryol", "Oryol", "Орёл", "Europe/Moscow", "RU"},
	{"penza", "Penza", "Пенза", "Europe/Moscow", "RU"},
	{"pskov", "Pskov", "Псков", "Europe/Moscow", "RU"},
	{"rostov-on-don", "Rostov-on-Don", "Ростов-на-Дону", "Europe/Moscow", "RU"},
	{"ryazan", "Ryazan", "Рязань", "Europe/Moscow", "RU"},
	{"samara", "Samara", "Самара", "Europe/Samara", "RU"},
	{"saratov", "Saratov", "Саратов", "Europe/Saratov", "RU"},
	{"yuzhno-sakhalinsk", "Yuzhno-Sakhalinsk", "Южно-Сахалинск", "Asia/Sakhalin", "RU"},
	{"yekaterinburg", "Yekaterinburg", "Екатеринбург", "Asia/Yekaterinburg", "RU"},
	{"smolensk", "Smolensk", "Смоленск", "Europe/Moscow", "RU"},
	{"tambov", "Tambov", "Тамбов", "Europe/Moscow", "RU"},
	{"tver", "Tver", "Тверь", "Europe/Moscow", "RU"},
	{"tomsk", "Tomsk", "Томск", "Asia/Tomsk", "RU"},
	{"tula", "Tula", "Тула", "Europe/Moscow", "RU"},
	{"tyumen", "Tyumen", "Тюмень", "Asia/Yekaterinburg", "RU"},
	{"ulyanovsk", "Ulyanovsk", "Ульяновск", "Europe/Ulyanovsk", "RU"},
	{"chelyabinsk", "Chelyabinsk", "Челябинск", "Asia/Yekaterinburg", "RU"},
	{"yaroslavl", "Yaroslavl", "Ярославль", "Europe/Moscow", "RU"},

	// Autonomous oblast and okrugs.
	{"birobidzhan", "Birobidzhan", "Биробиджан", "Asia/Vladivostok", "RU"},
	{"naryan-mar", "Naryan-Mar", "Нарьян-Мар", "Europe/Moscow", "RU"},
	{"khanty-mansiysk", "Khanty-Mansiysk", "Ханты-Мансийск", "Asia/Yekaterinburg", "RU"},
	{"anadyr", "Anadyr", "Анадырь", "Asia/Anadyr", "RU"},
	{"salekhard", "Salekhard", "Салехард", "Asia/Yekaterinburg", "RU"},
}
