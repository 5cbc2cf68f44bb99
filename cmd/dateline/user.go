package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"dateline"
	"dateline/auth"
)

const userUsage = `Usage:
  dateline user add --email E --name N --role admin|editor|reporter [flags]
  dateline user password --email E [flags]
  dateline user list [flags]

add makes a newsroom account; password sets a new password (and ends the
account's sessions and lockout). The password is asked for on the terminal,
or read from the first line of standard input when it is not a terminal:
  echo "$PASSWORD" | dateline user add --email anna@example.org --name "Anna Petrova" --role editor
Passwords have 10 to 200 characters and are stored as argon2id hashes.
`

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		if len(args) == 0 {
			fmt.Fprint(stderr, userUsage)
			return usagef(`no user command given; use "dateline user add", "password" or "list"`)
		}
		fmt.Fprint(stdout, userUsage)
		return nil
	}
	sub, rest := args[0], args[1:]
	var sf storeFlags
	var email, name, role string
	fs := newFlagSet("user "+sub, strings.TrimRight(userUsage, "\n"))
	sf.register(fs)
	switch sub {
	case "add":
		fs.StringVar(&email, "email", "", "the person's email, used to sign in (required)")
		fs.StringVar(&name, "name", "", "the name shown in the newsroom (required)")
		fs.StringVar(&role, "role", "reporter", "admin, editor or reporter")
	case "password":
		fs.StringVar(&email, "email", "", "the account's email (required)")
	case "list":
	default:
		fmt.Fprint(stderr, userUsage)
		return usagef("unknown user command %q", sub)
	}
	if err := parse(fs, rest, stdout, stderr, false); err != nil {
		return err
	}
	if sub != "list" && email == "" {
		return usagef("--email is required")
	}
	u := &dateline.User{Email: email, Name: name, Role: dateline.Role(role), CreatedAt: time.Now().UTC()}
	if sub == "add" {
		// Check the account before asking for a password.
		if err := u.Validate(); err != nil {
			return err
		}
	}
	var password string
	if sub != "list" {
		var err error
		if password, err = readPassword(stdin, stderr); err != nil {
			return err
		}
		if err := auth.CheckPolicy(password); err != nil {
			return err
		}
	}
	store, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	switch sub {
	case "add":
		u.PasswordHash = auth.Hash(password)
		if err := store.CreateUser(ctx, u, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "added %s <%s> as %s\n", u.Name, u.Email, u.Role)
	case "password":
		found, err := store.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		if err := store.SetPassword(ctx, found.ID, auth.Hash(password)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "new password set for %s <%s>; their sessions have ended\n", found.Name, found.Email)
	case "list":
		us, err := store.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tSTATE")
		for _, u := range us {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Name, u.Role, state)
		}
		tw.Flush()
	}
	return nil
}

// readPassword asks on the terminal without echo, or reads the first line
// of stdin when it is a pipe or a file.
func readPassword(stdin io.Reader, stderr io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(b) != string(again) {
			return "", usagef("the two passwords differ")
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", usagef("no password on standard input")
	}
	return line, nil
}
