package rates

// names are the English names of the currencies the two sources publish;
// the site translates them through its catalogues.
var names = map[string]string{
	"AMD": "Armenian dram", "AUD": "Australian dollar", "AZN": "Azerbaijani manat", "BGN": "Bulgarian lev",
	"BRL": "Brazilian real", "BYN": "Belarusian rouble", "CAD": "Canadian dollar", "CHF": "Swiss franc",
	"CNY": "Chinese yuan", "CZK": "Czech koruna", "DKK": "Danish krone", "EUR": "Euro",
	"GBP": "Pound sterling", "HKD": "Hong Kong dollar", "HUF": "Hungarian forint", "IDR": "Indonesian rupiah",
	"ILS": "Israeli shekel", "INR": "Indian rupee", "ISK": "Icelandic króna", "JPY": "Japanese yen",
	"KGS": "Kyrgyz som", "KRW": "South Korean won", "KZT": "Kazakhstani tenge", "MDL": "Moldovan leu",
	"MXN": "Mexican peso", "MYR": "Malaysian ringgit", "NOK": "Norwegian krone", "NZD": "New Zealand dollar",
	"PHP": "Philippine peso", "PLN": "Polish złoty", "RON": "Romanian leu", "RUB": "Russian rouble",
	"SEK": "Swedish krona", "SGD": "Singapore dollar", "THB": "Thai baht", "TJS": "Tajikistani somoni",
	"TMT": "Turkmenistan manat", "TRY": "Turkish lira", "UAH": "Ukrainian hryvnia", "USD": "US dollar",
	"UZS": "Uzbekistani som", "XDR": "Special drawing rights", "ZAR": "South African rand",
	"AED": "UAE dirham", "EGP": "Egyptian pound", "GEL": "Georgian lari", "QAR": "Qatari riyal",
	"RSD": "Serbian dinar", "VND": "Vietnamese dong",
}

// Name is the currency's English name, or its code when it has none here.
func Name(code string) string {
	if n, ok := names[code]; ok {
		return n
	}
	return code
}

// Main are the currencies the site lists first, in this order.
var Main = []string{"USD", "EUR", "CNY", "GBP", "JPY", "CHF", "TRY", "KZT", "BYN", "AED", "INR", "RUB"}
