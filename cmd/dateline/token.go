package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	"dateline"
	dhttp "dateline/http"
)

func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	var name, scope, source string
	var embargo bool
	fs := newFlagSet("token create", "Usage: dateline token create --name NAME --scope read|write [--source SOURCE] [flags]\n\nMakes an API token and prints it alone on standard output. Only a hash of it\nis stored, so keep it: it cannot be shown again. Ingest needs the write scope;\n--embargo lets the token see embargoed stories before their release.\n\nA write token speaks for a source (by default \"wire\"): it may send new\nversions only of the stories its source sent. Give each sender of its own\n(another agency, another editorial system) a --source of its own.")
	sf.register(fs)
	fs.StringVar(&name, "name", "", "who or what the token is for, e.g. editorial-system (required)")
	fs.StringVar(&scope, "scope", "read", "read or write")
	fs.StringVar(&source, "source", "", "the source the token speaks for, e.g. reuters (default: wire, the source of the site's own wire)")
	fs.BoolVar(&embargo, "embargo", false, "the token may also see embargoed stories before their release (GET /api/v1/items?embargoed=1)")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return err
	}
	if name == "" {
		return usagef("--name is required")
	}
	if scope != "read" && scope != "write" {
		return usagef("--scope must be read or write, not %q", scope)
	}
	if source == "" {
		source = dateline.DefaultSource
	}
	if len(source) > 100 || strings.ContainsAny(source, "\x00\r\n") {
		return usagef("--source must be one line of at most 100 characters")
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	buf := make([]byte, 32)
	rand.Read(buf)
	secret := "dl_" + base64.RawURLEncoding.EncodeToString(buf)
	if err := store.CreateToken(ctx, &dateline.Token{Name: name, Scope: scope, Embargo: embargo, Source: source, Hash: dhttp.HashToken(secret)}, time.Now()); err != nil {
		return err
	}
	fmt.Fprintln(stdout, secret)
	return nil
}
