package i18n

// Email of the client portal: invitations (package http/portal) and
// follow alerts (package alerts).
var alertsEN = map[string]string{
	"Email is not set up on this site (no node runs with --smtp-url), so it was not emailed.":                                                                 "Email is not set up on this site (no node runs with --smtp-url), so it was not emailed.",
	"We emailed this link to %s: it lets them set a password once, until %s. Here it is too, to pass on if the email does not arrive; it is not shown again.": "We emailed this link to %s: it lets them set a password once, until %s. Here it is too, to pass on if the email does not arrive; it is not shown again.",
	"Hello %s,": "Hello %s,",
	"You are invited to the %s wire portal for %s.":                   "You are invited to the %s wire portal for %s.",
	"Set your password":                                               "Set your password",
	"The link works once, until %s. Your email is your sign-in name.": "The link works once, until %s. Your email is your sign-in name.",
	"Alert: %s": "Alert: %s",
	"%d new stories you follow on the %s wire":                       "%d new stories you follow on the %s wire",
	"Hello %s,\n\nNew on the %s wire, matching what you follow:\n\n": "Hello %s,\n\nNew on the %s wire, matching what you follow:\n\n",
	"you follow %s": "you follow %s",
	"What you follow: %s\nNo more alert emails: %s\n":         "What you follow: %s\nNo more alert emails: %s\n",
	"Hello %s, new on the %s wire, matching what you follow:": "Hello %s, new on the %s wire, matching what you follow:",
	"What you follow":      "What you follow",
	"No more alert emails": "No more alert emails",
}

var alertsRU = map[string]string{
	"Email is not set up on this site (no node runs with --smtp-url), so it was not emailed.":                                                                 "Почта на сайте не настроена (ни один узел не запущен с --smtp-url), поэтому письмо не отправлено.",
	"We emailed this link to %s: it lets them set a password once, until %s. Here it is too, to pass on if the email does not arrive; it is not shown again.": "Мы отправили эту ссылку на %s: по ней можно один раз задать пароль, до %s. Вот она и здесь — передайте её, если письмо не дойдёт; больше она не показывается.",
	"Hello %s,": "Здравствуйте, %s!",
	"You are invited to the %s wire portal for %s.":                   "Вас пригласили на портал ленты %s для компании %s.",
	"Set your password":                                               "Задать пароль",
	"The link works once, until %s. Your email is your sign-in name.": "Ссылка действует один раз, до %s. Ваш адрес почты — ваше имя для входа.",
	"Alert: %s": "Оповещение: %s",
	"%d new stories you follow on the %s wire":                       "Новых материалов по вашим подпискам в ленте %[2]s: %[1]d",
	"Hello %s,\n\nNew on the %s wire, matching what you follow:\n\n": "Здравствуйте, %s!\n\nНовое в ленте %s по вашим подпискам:\n\n",
	"you follow %s": "ваша подписка: %s",
	"What you follow: %s\nNo more alert emails: %s\n":         "Ваши подписки: %s\nОтписаться от оповещений: %s\n",
	"Hello %s, new on the %s wire, matching what you follow:": "Здравствуйте, %s! Новое в ленте %s по вашим подпискам:",
	"What you follow":      "Ваши подписки",
	"No more alert emails": "Отписаться от оповещений",
}

func init() { addMissing(alertsEN, alertsRU) }
