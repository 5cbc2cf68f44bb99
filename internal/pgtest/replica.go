package pgtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Replicated starts a PostgreSQL primary and a streaming replica of it, of
// the test's own, in temporary folders on free loopback ports, and returns
// their DSNs. They are stopped when the test ends. The servers run as the
// "postgres" user, from the installed PostgreSQL's programs; without them
// the test is skipped, except under CI=true.
func Replicated(t testing.TB) (primary, replica string) {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	unavailable := func(why string, args ...any) {
		msg := fmt.Sprintf(why, args...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("a PostgreSQL replica is required under CI: %s", msg)
		}
		t.Skip(msg)
	}
	if len(bins) == 0 {
		unavailable("PostgreSQL's programs are not installed")
	}
	bin := bins[len(bins)-1]
	if _, err := exec.LookPath("runuser"); err != nil || os.Getuid() != 0 {
		unavailable("starting private PostgreSQL servers needs root and runuser")
	}
	dir, err := os.MkdirTemp("", "dateline-pg-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	run := func(name string, args ...string) {
		t.Helper()
		cmd := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(bin, name)}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	chown := exec.Command("chown", "postgres:postgres", dir)
	if out, err := chown.CombinedOutput(); err != nil {
		unavailable("chown to postgres: %v %s", err, out)
	}
	pdir, rdir := filepath.Join(dir, "primary"), filepath.Join(dir, "replica")
	pport, rport := freePort(t), freePort(t)
	run("initdb", "-D", pdir, "--auth=trust", "-U", "postgres", "--no-sync")
	conf := fmt.Sprintf("\nport = %d\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nwal_level = replica\nmax_wal_senders = 4\nfsync = off\n", pport, dir)
	appendFile(t, filepath.Join(pdir, "postgresql.conf"), conf)
	appendFile(t, filepath.Join(pdir, "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n")
	run("pg_ctl", "-D", pdir, "-w", "-l", filepath.Join(dir, "primary.log"), "start")
	t.Cleanup(func() {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "pg_ctl"), "-D", rdir, "-m", "immediate", "stop").Run()
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "pg_ctl"), "-D", pdir, "-m", "immediate", "stop").Run()
		os.RemoveAll(dir)
	})
	run("pg_basebackup", "-h", "127.0.0.1", "-p", fmt.Sprint(pport), "-U", "postgres", "-D", rdir, "-R", "--no-sync")
	appendFile(t, filepath.Join(rdir, "postgresql.conf"), fmt.Sprintf("\nport = %d\n", rport))
	run("pg_ctl", "-D", rdir, "-w", "-l", filepath.Join(dir, "replica.log"), "start")
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pport),
		fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", rport)
}

func appendFile(t testing.TB, path, s string) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
