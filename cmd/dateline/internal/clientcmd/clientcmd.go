// Package clientcmd is `dateline client`: the agency's clients, their
// products and contracts, client users and client tokens from the
// command line (the newsroom's Clients pages do the same).
package clientcmd

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"dateline"
	"dateline/auth"
	"dateline/http/portal"
	"dateline/i18n"
)

// Usage is the command's help.
const Usage = `Usage:
  dateline client list [flags]
  dateline client add --name NAME [--seats N] [--from DATE] [--until DATE] [flags]
  dateline client product add --name NAME [filter flags] [flags]
  dateline client product list [flags]
  dateline client take --client ID --product ID [--from DATE] [--until DATE] [flags]
  dateline client drop --client ID --product ID [flags]
  dateline client user add --client ID --email E --name N [--role member|client-admin] [flags]
  dateline client invite --email E [--client ID --name N [--role R]] [--base-url URL] [--lang en|ru] [--send] [flags]
  dateline client token --client ID --name NAME [flags]
  dateline client feeds --client ID [--base-url URL] [--rotate] [flags]

A client is a customer company; a product is a saved filter over the wire
(sections, editions, topics, persons, the most urgent level, kinds, and
whether it carries embargoed copy); a client takes products, each from and
until a date if given. A client's token reads only what its products cover
(GET /api/v1/items, /api/v1/items/ID, the stream). "token" prints the new
token alone on standard output; it cannot be shown again. "user add" prints
a one-time initial password. "invite" makes a one-time link that lets a
client user set their password at the portal (/wire/), valid for seven
days, replacing any earlier one, and prints the invitation's subject,
text and link to pass on; with --client and --name it first adds the
person (without a password) when the email has no account; with --send
(on by default when DATELINE_SMTP_URL is set) it also queues the letter
in the outbox (text and HTML, once per invitation), for the nodes running
serve --smtp-url to email. "feeds" prints the signed RSS address of each
product the client takes now; --rotate gives the client a new feed key
first, so every address given out before stops working.
Dates are YYYY-MM-DD (UTC midnight) or RFC 3339 times.
`

// UsageError is a mistake in the command line (exit status 2).
type UsageError struct{ Msg string }

func (e UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error { return UsageError{fmt.Sprintf(format, args...)} }

// Usagef is a UsageError with the message formatted.
func Usagef(format string, args ...any) error { return usagef(format, args...) }

// Env returns the environment variable, or def when it is unset or empty.
func Env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// NewFlagSet makes a command's flag set whose usage is synopsis and its
// flags.
func NewFlagSet(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// Opener adds the flags that name the database to fs and returns what
// opens it once they are parsed.
type Opener func(fs *flag.FlagSet) func(context.Context) (dateline.Store, error)

// ParseFlags parses a command's flags: --help prints fs's usage on stdout
// and returns flag.ErrHelp; a wrong flag, or an argument when wantArgs is
// false, is a UsageError; other messages go to stderr.
func ParseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer, wantArgs bool) error {
	fs.SetOutput(stderr)
	if HelpAsked(fs, args, stdout) {
		return flag.ErrHelp
	}
	if err := fs.Parse(args); err != nil {
		return UsageError{err.Error()}
	}
	if !wantArgs && fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// Subcommand splits `dateline NAME SUB ARGS` into SUB and its ARGS, and
// makes SUB's flag set, whose usage is the command's and its flags. With
// no SUB it prints usage on stderr and returns a UsageError; with --help
// it prints usage on stdout and returns done.
func Subcommand(name, usage string, args []string, stdout, stderr io.Writer) (sub string, rest []string, fs *flag.FlagSet, done bool, err error) {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return "", nil, nil, false, usagef("no %s command given; see \"dateline %s --help\"", name, name)
	}
	if args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, usage)
		return "", nil, nil, true, nil
	}
	sub, rest = args[0], args[1:]
	fs = flag.NewFlagSet(name+" "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "%s\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return sub, rest, fs, false, nil
}

// Run runs `dateline client ARGS`.
func Run(ctx context.Context, args []string, opener Opener, stdout, stderr io.Writer, now func() time.Time) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprint(stderr, Usage)
			return usagef(`no client command given; see "dateline client --help"`)
		}
		fmt.Fprint(stdout, Usage)
		return nil
	}
	sub, rest := args[0], args[1:]
	if (sub == "product" || sub == "user") && len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		sub, rest = sub+" "+rest[0], rest[1:]
	}
	c := &cmd{fs: flag.NewFlagSet("client "+sub, flag.ContinueOnError), now: now, stdout: stdout}
	c.fs.Usage = func() {
		fmt.Fprintf(c.fs.Output(), "%s\nFlags:\n", Usage)
		c.fs.PrintDefaults()
	}
	open := opener(c.fs)
	run, ok := map[string]func(context.Context, dateline.Store) error{
		"list": c.list, "add": c.add, "product add": c.productAdd, "product list": c.productList,
		"take": c.take, "drop": c.drop, "user add": c.userAdd, "invite": c.invite, "token": c.token, "feeds": c.feeds,
	}[sub]
	if !ok {
		fmt.Fprint(stderr, Usage)
		return usagef("unknown client command %q", sub)
	}
	c.flags(sub)
	if err := ParseFlags(c.fs, rest, stdout, stderr, false); err != nil {
		return err
	}
	if err := c.check(sub); err != nil {
		return err
	}
	store, err := open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	return run(ctx, store)
}

// cmd holds one command's flags.
type cmd struct {
	fs     *flag.FlagSet
	now    func() time.Time
	stdout io.Writer

	name, email, role, from, until, baseURL string
	lang, siteName                          string
	sections, langs, topics, persons, kinds string
	client, product                         int64
	seats, maxUrgency                       int
	embargoed, rotate, send                 bool
	fromT, untilT                           time.Time
}

// flags registers the flags of sub.
func (c *cmd) flags(sub string) {
	fs := c.fs
	switch sub {
	case "add":
		fs.StringVar(&c.name, "name", "", "the client's name (required)")
		fs.IntVar(&c.seats, "seats", 5, "how many client users it may have")
	case "product add":
		fs.StringVar(&c.name, "name", "", "the product's name, unique (required)")
		fs.StringVar(&c.sections, "sections", "", "section slugs, comma-separated (none: every section)")
		fs.StringVar(&c.langs, "langs", "", "editions, en and/or ru (none: both)")
		fs.StringVar(&c.topics, "topics", "", "topic slugs (none: any topic)")
		fs.StringVar(&c.persons, "persons", "", "person slugs (none: anyone)")
		fs.IntVar(&c.maxUrgency, "max-urgency", 0, "the least urgent level it takes, 1 (flashes only) to 9; 0 for any")
		fs.StringVar(&c.kinds, "kinds", "", "text, photo, gallery, infographic (none: every kind)")
		fs.BoolVar(&c.embargoed, "embargoed", false, "it also carries embargoed copy before its release")
	case "take", "drop":
		fs.Int64Var(&c.product, "product", 0, "the product's id (required)")
	case "invite":
		fs.StringVar(&c.email, "email", "", "the client user's email (required)")
		fs.StringVar(&c.name, "name", "", "with --client: the person's name, to add them first")
		fs.StringVar(&c.role, "role", string(dateline.ClientMember), "with --client: member or client-admin")
		fs.Int64Var(&c.client, "client", 0, "the client's id, to add the person first (see dateline client list)")
		fs.StringVar(&c.baseURL, "base-url", "", "the site's address, put before the link's path, e.g. https://news.example")
		fs.StringVar(&c.lang, "lang", "en", "the invitation's language: en or ru")
		fs.StringVar(&c.siteName, "site-name", "Dateline", "the site's name, as the invitation says it")
		fs.BoolVar(&c.send, "send", os.Getenv("DATELINE_SMTP_URL") != "", "also email the letter: queue it in the outbox for the nodes running serve --smtp-url (default: on when DATELINE_SMTP_URL is set)")
	case "user add":
		fs.StringVar(&c.email, "email", "", "the person's email, used to sign in at the portal (required)")
		fs.StringVar(&c.name, "name", "", "the person's name (required)")
		fs.StringVar(&c.role, "role", string(dateline.ClientMember), "member or client-admin (who may invite colleagues)")
	case "token":
		fs.StringVar(&c.name, "name", "", "who or what the token is for (required)")
	case "feeds":
		fs.StringVar(&c.baseURL, "base-url", "", "the site's address, put before each path, e.g. https://news.example")
		fs.BoolVar(&c.rotate, "rotate", false, "give the client a new feed key first: every address given out before stops working")
	}
	switch sub {
	case "add", "take":
		fs.StringVar(&c.from, "from", "", "the first day (none: from now on)")
		fs.StringVar(&c.until, "until", "", "the day it ends (none: open-ended)")
	}
	switch sub {
	case "take", "drop", "user add", "token", "feeds":
		fs.Int64Var(&c.client, "client", 0, "the client's id (required; see dateline client list)")
	}
}

// check refuses missing and malformed flags before the database opens.
func (c *cmd) check(sub string) error {
	needs := map[string][]string{"add": {"name"}, "product add": {"name"}, "take": {"client", "product"}, "drop": {"client", "product"},
		"user add": {"client", "email", "name"}, "token": {"client", "name"}, "feeds": {"client"}, "invite": {"email"}}
	for _, name := range needs[sub] {
		if f := c.fs.Lookup(name); f.Value.String() == "" || f.Value.String() == "0" {
			return usagef("--%s is required", name)
		}
	}
	if sub == "invite" {
		if c.lang != "en" && c.lang != "ru" {
			return usagef("--lang is en or ru, not %q", c.lang)
		}
		if (c.client == 0) != (c.name == "") {
			return usagef("--client and --name go together, to add the person first")
		}
	}
	var err error
	if c.fromT, err = day(c.from, "--from"); err != nil {
		return err
	}
	if c.untilT, err = day(c.until, "--until"); err != nil {
		return err
	}
	return nil
}

// day reads a date flag: YYYY-MM-DD or an RFC 3339 time.
func day(v, flag string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, usagef("%s is a date such as 2027-01-31, not %q", flag, v)
}

func splitList(v string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		out = append(out, f)
	}
	return out
}

func (c *cmd) list(ctx context.Context, s dateline.Store) error {
	cs, err := s.ClientList(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tSEATS\tPRODUCTS\tACTIVE\t")
	for _, cl := range cs {
		cps, err := s.ClientProducts(ctx, cl.ID)
		if err != nil {
			return err
		}
		var ids []string
		for _, cp := range cps {
			ids = append(ids, strconv.FormatInt(cp.ProductID, 10))
		}
		active := "yes"
		if !cl.ActiveAt(c.now()) {
			active = "no"
		}
		fmt.Fprintf(w, "%d\t%s\t%d\t%s\t%s\t\n", cl.ID, cl.Name, cl.SeatLimit, strings.Join(ids, ","), active)
	}
	return w.Flush()
}

func (c *cmd) add(ctx context.Context, s dateline.Store) error {
	cl := &dateline.Client{Name: c.name, SeatLimit: c.seats, ActiveFrom: c.fromT, ActiveUntil: c.untilT}
	if err := s.CreateClient(ctx, cl, c.now()); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "client %d: %s\n", cl.ID, cl.Name)
	return nil
}

func (c *cmd) productAdd(ctx context.Context, s dateline.Store) error {
	p := &dateline.Product{Name: c.name, Sections: splitList(c.sections), Langs: splitList(c.langs), Topics: splitList(c.topics), Persons: splitList(c.persons),
		MaxUrgency: c.maxUrgency, Kinds: splitList(c.kinds), Embargoed: c.embargoed}
	if err := s.CreateProduct(ctx, p, c.now()); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "product %d: %s (%s)\n", p.ID, p.Name, p.Describe())
	return nil
}

func (c *cmd) productList(ctx context.Context, s dateline.Store) error {
	ps, err := s.ProductList(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tTAKES\t")
	for i := range ps {
		fmt.Fprintf(w, "%d\t%s\t%s\t\n", ps[i].ID, ps[i].Name, ps[i].Describe())
	}
	return w.Flush()
}

func (c *cmd) take(ctx context.Context, s dateline.Store) error {
	if err := s.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.client, ProductID: c.product, From: c.fromT, Until: c.untilT}); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "client %d takes product %d\n", c.client, c.product)
	return nil
}

func (c *cmd) drop(ctx context.Context, s dateline.Store) error {
	if err := s.RemoveClientProduct(ctx, c.client, c.product); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "client %d no longer takes product %d\n", c.client, c.product)
	return nil
}

func (c *cmd) userAdd(ctx context.Context, s dateline.Store) error {
	password := InitialPassword()
	u := &dateline.ClientUser{ClientID: c.client, Email: c.email, Name: c.name, Role: dateline.ClientRole(c.role), PasswordHash: auth.Hash(password)}
	if err := s.CreateClientUser(ctx, u, c.now()); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "client user %d: %s <%s>, %s\ninitial password (shown once): %s\n", u.ID, u.Name, u.Email, u.Role, password)
	return nil
}

func (c *cmd) invite(ctx context.Context, s dateline.Store) error {
	u, err := s.ClientUserByEmail(ctx, c.email)
	if dateline.ErrorCode(err) == dateline.ENOTFOUND && c.client != 0 {
		u = &dateline.ClientUser{ClientID: c.client, Email: c.email, Name: c.name, Role: dateline.ClientRole(c.role)}
		err = s.CreateClientUser(ctx, u, c.now())
	}
	if err != nil {
		return err
	}
	letter, err := portal.Invite(ctx, s, c.baseURL, c.siteName, u, i18n.Lang(c.lang), c.now())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "To: %s\nSubject: %s\n\n%s\n", letter.To, letter.Subject, letter.Text)
	if !c.send {
		fmt.Fprintln(c.stdout, "\nNot emailed: pass --send to queue it for the nodes running serve --smtp-url.")
		return nil
	}
	if err := letter.Email(ctx, s, c.now()); err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, "\nEmailed: queued in the outbox; the nodes running serve --smtp-url send it.")
	return nil
}

// InitialPassword is a random password to hand to a new client user once.
func InitialPassword() string { return auth.Token()[:20] }

// NewToken makes a read token of the client and returns its secret, which
// is shown once. Returns ENOTFOUND for an unknown client.
func NewToken(ctx context.Context, s dateline.Store, clientID int64, name string, now time.Time) (*dateline.Token, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 || strings.ContainsAny(name, "\x00\r\n") {
		return nil, "", dateline.Errorf(dateline.EINVALID, "Name the token after who uses it, in at most 100 characters.")
	}
	secret := "dl_" + auth.Token()
	t := &dateline.Token{Name: name, Scope: "read", ClientID: clientID, Hash: auth.Sum(secret), CreatedAt: now}
	if err := s.CreateToken(ctx, t, now); err != nil {
		return nil, "", err
	}
	return t, secret, nil
}

func (c *cmd) token(ctx context.Context, s dateline.Store) error {
	_, secret, err := NewToken(ctx, s, c.client, c.name, c.now())
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stdout, secret)
	return nil
}

func (c *cmd) feeds(ctx context.Context, s dateline.Store) error {
	if c.rotate {
		if err := s.RotateFeedKey(ctx, c.client); err != nil {
			return err
		}
	}
	cl, err := s.Client(ctx, c.client)
	if err != nil {
		return err
	}
	e, err := s.Entitlement(ctx, c.client, c.now())
	if err != nil {
		return err
	}
	if len(e.Products) == 0 {
		return dateline.Errorf(dateline.ENOTFOUND, "Client %d takes no products now, so it has no feeds.", c.client)
	}
	base := strings.TrimRight(c.baseURL, "/")
	for _, p := range e.Products {
		fmt.Fprintf(c.stdout, "%s\t%s%s\n", p.Name, base, dateline.FeedAddress(cl, p.ID))
	}
	return nil
}

// HelpAsked prints fs's usage on stdout when args ask for help, and
// reports whether they did (the command then returns flag.ErrHelp).
func HelpAsked(fs *flag.FlagSet, args []string, stdout io.Writer) bool {
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return true
		}
	}
	return false
}

// WriteTable writes the header (columns separated by tabs) and the rows
// as aligned columns.
func WriteTable(out io.Writer, header string, rows [][]string) error {
	w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, header)
	for _, r := range rows {
		fmt.Fprintln(w, strings.Join(r, "\t"))
	}
	return w.Flush()
}

// State is the word for an on/off column: on when !off, else off.
func State(off bool, on, offWord string) string {
	if off {
		return offWord
	}
	return on
}
