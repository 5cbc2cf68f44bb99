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
	{"moscow", "Moscow", "Москва", "Europe/Moscow", "RU", 55.76, 37.62},
	{"saint-petersburg", "Saint Petersburg", "Санкт-Петербург", "Europe/Moscow", "RU", 59.94, 30.31},
	{"sevastopol", "Sevastopol", "Севастополь", "Europe/Simferopol", "UA", 44.62, 33.53},

	// Republics.
	{"maykop", "Maykop", "Майкоп", "Europe/Moscow", "RU", 44.61, 40.10},
	{"gorno-altaysk", "Gorno-Altaysk", "Горно-Алтайск", "Asia/Barnaul", "RU", 51.96, 85.96},
	{"ufa", "Ufa", "Уфа", "Asia/Yekaterinburg", "RU", 54.74, 55.97},
	{"ulan-ude", "Ulan-Ude", "Улан-Удэ", "Asia/Irkutsk", "RU", 51.83, 107.58},
	{"makhachkala", "Makhachkala", "Махачкала", "Europe/Moscow", "RU", 42.98, 47.50},
	{"magas", "Magas", "Магас", "Europe/Moscow", "RU", 43.17, 44.81},
	{"nalchik", "Nalchik", "Нальчик", "Europe/Moscow", "RU", 43.49, 43.61},
	{"elista", "Elista", "Элиста", "Europe/Moscow", "RU", 46.31, 44.26},
	{"cherkessk", "Cherkessk", "Черкесск", "Europe/Moscow", "RU", 44.23, 42.05},
	{"petrozavodsk", "Petrozavodsk", "Петрозаводск", "Europe/Moscow", "RU", 61.79, 34.36},
	{"syktyvkar", "Syktyvkar", "Сыктывкар", "Europe/Moscow", "RU", 61.67, 50.84},
	{"simferopol", "Simferopol", "Симферополь", "Europe/Simferopol", "UA", 44.95, 34.10},
	{"yoshkar-ola", "Yoshkar-Ola", "Йошкар-Ола", "Europe/Moscow", "RU", 56.63, 47.89},
	{"saransk", "Saransk", "Саранск", "Europe/Moscow", "RU", 54.19, 45.18},
	{"yakutsk", "Yakutsk", "Якутск", "Asia/Yakutsk", "RU", 62.03, 129.73},
	{"vladikavkaz", "Vladikavkaz", "Владикавказ", "Europe/Moscow", "RU", 43.02, 44.68},
	{"kazan", "Kazan", "Казань", "Europe/Moscow", "RU", 55.79, 49.12},
	{"kyzyl", "Kyzyl", "Кызыл", "Asia/Krasnoyarsk", "RU", 51.72, 94.45},
	{"izhevsk", "Izhevsk", "Ижевск", "Europe/Samara", "RU", 56.85, 53.21},
	{"abakan", "Abakan", "Абакан", "Asia/Krasnoyarsk", "RU", 53.72, 91.44},
	{"grozny", "Grozny", "Грозный", "Europe/Moscow", "RU", 43.32, 45.69},
	{"cheboksary", "Cheboksary", "Чебоксары", "Europe/Moscow", "RU", 56.15, 47.25},

	// Krais.
	{"barnaul", "Barnaul", "Барнаул", "Asia/Barnaul", "RU", 53.35, 83.78},
	{"chita", "Chita", "Чита", "Asia/Chita", "RU", 52.03, 113.50},
	{"petropavlovsk-kamchatsky", "Petropavlovsk-Kamchatsky", "Петропавловск-Камчатский", "Asia/Kamchatka", "RU", 53.04, 158.65},
	{"krasnodar", "Krasnodar", "Краснодар", "Europe/Moscow", "RU", 45.04, 38.98},
	{"krasnoyarsk", "Krasnoyarsk", "Красноярск", "Asia/Krasnoyarsk", "RU", 56.01, 92.87},
	{"perm", "Perm", "Пермь", "Asia/Yekaterinburg", "RU", 58.01, 56.23},
	{"vladivostok", "Vladivostok", "Владивосток", "Asia/Vladivostok", "RU", 43.12, 131.89},
	{"stavropol", "Stavropol", "Ставрополь", "Europe/Moscow", "RU", 45.04, 41.97},
	{"khabarovsk", "Khabarovsk", "Хабаровск", "Asia/Vladivostok", "RU", 48.48, 135.08},

	// Oblasts.
	{"blagoveshchensk", "Blagoveshchensk", "Благовещенск", "Asia/Yakutsk", "RU", 50.27, 127.53},
	{"arkhangelsk", "Arkhangelsk", "Архангельск", "Europe/Moscow", "RU", 64.54, 40.54},
	{"astrakhan", "Astrakhan", "Астрахань", "Europe/Astrakhan", "RU", 46.35, 48.04},
	{"belgorod", "Belgorod", "Белгород", "Europe/Moscow", "RU", 50.60, 36.59},
	{"bryansk", "Bryansk", "Брянск", "Europe/Moscow", "RU", 53.24, 34.36},
	{"vladimir", "Vladimir", "Владимир", "Europe/Moscow", "RU", 56.13, 40.41},
	{"volgograd", "Volgograd", "Волгоград", "Europe/Volgograd", "RU", 48.71, 44.51},
	{"vologda", "Vologda", "Вологда", "Europe/Moscow", "RU", 59.22, 39.89},
	{"voronezh", "Voronezh", "Воронеж", "Europe/Moscow", "RU", 51.67, 39.18},
	{"ivanovo", "Ivanovo", "Иваново", "Europe/Moscow", "RU", 57.00, 40.97},
	{"irkutsk", "Irkutsk", "Иркутск", "Asia/Irkutsk", "RU", 52.29, 104.28},
	{"kaliningrad", "Kaliningrad", "Калининград", "Europe/Kaliningrad", "RU", 54.71, 20.51},
	{"kaluga", "Kaluga", "Калуга", "Europe/Moscow", "RU", 54.51, 36.26},
	{"kemerovo", "Kemerovo", "Кемерово", "Asia/Novokuznetsk", "RU", 55.35, 86.09},
	{"kirov", "Kirov", "Киров", "Europe/Kirov", "RU", 58.60, 49.67},
	{"kostroma", "Kostroma", "Кострома", "Europe/Moscow", "RU", 57.77, 40.93},
	{"kurgan", "Kurgan", "Курган", "Asia/Yekaterinburg", "RU", 55.44, 65.34},
	{"kursk", "Kursk", "Курск", "Europe/Moscow", "RU", 51.73, 36.19},
	{"gatchina", "Gatchina", "Гатчина", "Europe/Moscow", "RU", 59.57, 30.12},
	{"lipetsk", "Lipetsk", "Липецк", "Europe/Moscow", "RU", 52.61, 39.59},
	{"magadan", "Magadan", "Магадан", "Asia/Magadan", "RU", 59.56, 150.80},
	{"krasnogorsk", "Krasnogorsk", "Красногорск", "Europe/Moscow", "RU", 55.83, 37.33},
	{"murmansk", "Murmansk", "Мурманск", "Europe/Moscow", "RU", 68.97, 33.07},
	{"nizhny-novgorod", "Nizhny Novgorod", "Нижний Новгород", "Europe/Moscow", "RU", 56.33, 44.00},
	{"veliky-novgorod", "Veliky Novgorod", "Великий Новгород", "Europe/Moscow", "RU", 58.52, 31.27},
	{"novosibirsk", "Novosibirsk", "Новосибирск", "Asia/Novosibirsk", "RU", 55.03, 82.92},
	{"omsk", "Omsk", "Омск", "Asia/Omsk", "RU", 54.99, 73.37},
	{"orenburg", "Orenburg", "Оренбург", "Asia/Yekaterinburg", "RU", 51.77, 55.10},
	{"oryol", "Oryol", "Орёл", "Europe/Moscow", "RU", 52.97, 36.07},
	{"penza", "Penza", "Пенза", "Europe/Moscow", "RU", 53.20, 45.00},
	{"pskov", "Pskov", "Псков", "Europe/Moscow", "RU", 57.82, 28.33},
	{"rostov-on-don", "Rostov-on-Don", "Ростов-на-Дону", "Europe/Moscow", "RU", 47.24, 39.71},
	{"ryazan", "Ryazan", "Рязань", "Europe/Moscow", "RU", 54.63, 39.74},
	{"samara", "Samara", "Самара", "Europe/Samara", "RU", 53.20, 50.15},
	{"saratov", "Saratov", "Саратов", "Europe/Saratov", "RU", 51.53, 46.03},
	{"yuzhno-sakhalinsk", "Yuzhno-Sakhalinsk", "Южно-Сахалинск", "Asia/Sakhalin", "RU", 46.96, 142.73},
	{"yekaterinburg", "Yekaterinburg", "Екатеринбург", "Asia/Yekaterinburg", "RU", 56.84, 60.61},
	{"smolensk", "Smolensk", "Смоленск", "Europe/Moscow", "RU", 54.78, 32.05},
	{"tambov", "Tambov", "Тамбов", "Europe/Moscow", "RU", 52.72, 41.45},
	{"tver", "Tver", "Тверь", "Europe/Moscow", "RU", 56.86, 35.90},
	{"tomsk", "Tomsk", "Томск", "Asia/Tomsk", "RU", 56.48, 84.95},
	{"tula", "Tula", "Тула", "Europe/Moscow", "RU", 54.19, 37.62},
	{"tyumen", "Tyumen", "Тюмень", "Asia/Yekaterinburg", "RU", 57.15, 65.53},
	{"ulyanovsk", "Ulyanovsk", "Ульяновск", "Europe/Ulyanovsk", "RU", 54.32, 48.40},
	{"chelyabinsk", "Chelyabinsk", "Челябинск", "Asia/Yekaterinburg", "RU", 55.16, 61.40},
	{"yaroslavl", "Yaroslavl", "Ярославль", "Europe/Moscow", "RU", 57.63, 39.87},

	// Autonomous oblast and okrugs.
	{"birobidzhan", "Birobidzhan", "Биробиджан", "Asia/Vladivostok", "RU", 48.79, 132.92},
	{"naryan-mar", "Naryan-Mar", "Нарьян-Мар", "Europe/Moscow", "RU", 67.64, 53.01},
	{"khanty-mansiysk", "Khanty-Mansiysk", "Ханты-Мансийск", "Asia/Yekaterinburg", "RU", 61.00, 69.02},
	{"anadyr", "Anadyr", "Анадырь", "Asia/Anadyr", "RU", 64.73, 177.51},
	{"salekhard", "Salekhard", "Салехард", "Asia/Yekaterinburg", "RU", 66.53, 66.60},
}
