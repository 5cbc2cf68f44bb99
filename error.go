// Package dateline holds the domain of a news agency's website: sections,
// articles, topics, persons, photos, galleries and infographics, the errors
// that can be shown to people, and the storage contract that every database
// engine implements.
package dateline

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status and one CLI exit message.
const (
	EINVALID       = "invalid"       // the request or document is malformed
	ENOTFOUND      = "not_found"     // nothing by that name or id
	EGONE          = "gone"          // it existed and was withdrawn
	ECONFLICT      = "conflict"      // it clashes with what is stored
	EUNAUTHORIZED  = "unauthorized"  // no or wrong credentials
	EFORBIDDEN     = "forbidden"     // credentials without the right scope
	ETOOLARGE      = "too_large"     // the body is over the size limit
	EUNPROCESSABLE = "unprocessable" // well formed but cannot be used
	EUNAVAILABLE   = "unavailable"   // busy for now: try again later
	EINTERNAL      = "internal"      // anything else; its text is never shown
)

// Error is an error whose message is safe to show to whoever caused it.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string {
	return fmt.Sprintf("dateline error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL for any other non-nil error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "Internal error." for any other error, so internal details never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}
