package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestSourceCommand: Superdesk sources from the command line, the secret
// read from standard input only.
func TestSourceCommand(t *testing.T) {
	db := dbArgs(t, t.TempDir())
	must := mustCLI(t, db)
	in := func(stdin string, args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(context.Background(), append(args, db...), strings.NewReader(stdin), &out, &errb)
		return out.String(), err
	}
	if out, _, err := cli(t, "source", "--help"); err != nil || !strings.Contains(out, "/api/v2/content/push") {
		t.Errorf("source --help: %q, %v", out, err)
	}
	if out, _, err := cli(t, "source", "add", "--help"); exitCode(err) != 0 || !strings.Contains(out, "--secret-from-stdin") {
		t.Errorf("source add --help: %q, %v", out, err)
	}
	if out, err := in("0123456789abcdef0123\n", "source", "add", "superdesk", "Newsroom One", "--secret-from-stdin"); err != nil || !strings.Contains(out, "added") {
		t.Fatalf("add: %q, %v", out, err)
	}
	out := must("source", "list")
	if !strings.Contains(out, "Newsroom One") || !strings.Contains(out, "enabled") || strings.Contains(out, "0123456789abcdef") {
		t.Errorf("list shows %q", out)
	}
	must("source", "disable", "Newsroom One")
	if out := must("source", "list"); !strings.Contains(out, "disabled") {
		t.Errorf("list after disable: %q", out)
	}
	must("source", "enable", "Newsroom One")
	for _, tt := range []struct {
		stdin string
		args  []string
		want  string
		code  int
	}{
		{"0123456789abcdef0123", []string{"source", "add", "superdesk", "Newsroom One", "--secret-from-stdin"}, "already", 1},
		{"short", []string{"source", "add", "superdesk", "Two", "--secret-from-stdin"}, "16 to 1,000 bytes", 2},
		{"0123456789abcdef0123", []string{"source", "add", "superdesk", "Two"}, "--secret-from-stdin is required", 2},
		{"0123456789abcdef0123", []string{"source", "add", "wordpress", "Two", "--secret-from-stdin"}, "superdesk, not", 2},
		{"", []string{"source", "add", "superdesk"}, "use: dateline source add", 2},
		{"", []string{"source", "remove", "Nobody"}, "No source named", 1},
		{"", []string{"source", "frobnicate"}, "unknown source command", 2},
	} {
		_, err := in(tt.stdin, tt.args...)
		if err == nil || !strings.Contains(message(err), tt.want) || exitCode(err) != tt.code {
			t.Errorf("%v: %v (exit %d), want %q and exit %d", tt.args, err, exitCode(err), tt.want, tt.code)
		}
	}
	must("source", "remove", "Newsroom One")
	if out := must("source", "list"); strings.Contains(out, "Newsroom One") {
		t.Errorf("list after remove: %q", out)
	}
}
