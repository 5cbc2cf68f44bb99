package i18n

// languageNames are the languages of the editions in their own words.
var languageNames = map[string]string{"en": "English", "ru": "Русский"}

// LanguageName is an edition's language in its own words: "Русский"
// for "ru"; "" for a language with no edition.
func LanguageName(lang string) string { return languageNames[lang] }
