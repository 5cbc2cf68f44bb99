package ingest

import "dateline/sanitize"

// The sanitiser lives in package sanitize, which depends on nothing of
// dateline (the live blog's posts use it without importing ingest); these
// names stay for the many callers that already sanitise through ingest.
var (
	SanitizeHTML = sanitize.HTML
	Clean        = sanitize.Clean
	PlainText    = sanitize.PlainText
	Pages        = sanitize.Pages
	TextToHTML   = sanitize.TextToHTML
	BodyText     = sanitize.BodyText
)
