package dateline

import (
	"context"
	"strings"
)

// LangMain is the language of the main edition, served at the site's root.
// Other editions live under /{lang}/ and exist once they have a section.
const LangMain = "en"

// Editions are the languages a section may belong to: the site's interface
// is translated into each of them.
var Editions = map[string]bool{"en": true, "ru": true}

// EditionOf is the edition a story in language lang is published in: its
// own language's, or the main one ("en-GB" is "en", "de" is "en").
func EditionOf(lang string) string {
	base, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if Editions[base] {
		return base
	}
	return LangMain
}

// EditionPath is the path an edition's addresses start with: "" for the
// main edition, "/ru" for Russian.
func EditionPath(edition string) string {
	if edition == "" || edition == LangMain || !Editions[edition] {
		return ""
	}
	return "/" + edition
}

// Translations links articles that are versions of one story in different
// languages.
type Translations interface {
	// LinkTranslation makes article id a translation of article of (and of
	// every article already linked to it); of = 0 unlinks id. Returns
	// ENOTFOUND when either article does not exist and EINVALID for an
	// article linked to itself.
	LinkTranslation(ctx context.Context, id, of int64) error
	// Translations returns the other published articles of id's group,
	// each with its language, in id order. Withdrawn and unpublished
	// ones are left out.
	Translations(ctx context.Context, id int64) ([]ArticleRef, error)
	// TranslationOf returns the first article of id's group, or 0 when id
	// is linked to none: what the newsroom's form shows.
	TranslationOf(ctx context.Context, id int64) (int64, error)
}
