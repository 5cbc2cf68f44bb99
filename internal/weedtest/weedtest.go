// Package weedtest runs a real S3-compatible object store for tests: a
// SeaweedFS server (its master, a volume server, a filer and the S3
// gateway in one "weed server" process) on loopback, with one access key
// and a bucket. The weed binary is named by DATELINE_WEED, which test.sh
// builds and sets; without it the tests that need a store skip, and fail
// when CI=true.
package weedtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"dateline/internal/freeport"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The one identity of every test server.
const (
	AccessKey = "dateline-test"
	SecretKey = "dateline-test-secret-key"
	Region    = "us-east-1"
)

// Server is a running SeaweedFS server. Stop and Start stop it and start
// it again on the same folder and ports, to play a store that goes down.
type Server struct {
	Endpoint string // the S3 gateway, 127.0.0.1:PORT
	Bucket   string // made when the server first started
	bin, dir string
	args     []string
	cmd      *exec.Cmd
	probed   bool // the probe file is written
	exited   chan struct{}
	logPath  string
}

// Start starts a server with the bucket "dateline" and stops it when the
// test ends. It skips the test when DATELINE_WEED is not set (fails it
// with CI=true).
func Start(t testing.TB) *Server {
	t.Helper()
	bin := os.Getenv("DATELINE_WEED")
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("DATELINE_WEED is not set: the S3 tests need a SeaweedFS weed binary (test.sh builds one and sets it)")
		}
		t.Skip("DATELINE_WEED is not set: no SeaweedFS server for the S3 tests (test.sh builds one and sets it)")
	}
	// A short folder of its own: weed makes Unix sockets in it, whose
	// paths may not be long.
	dir, err := os.MkdirTemp("", "weed")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if os.Getenv("DATELINE_WEED_KEEP") == "" {
			os.RemoveAll(dir)
		}
	})
	s := &Server{Bucket: "dateline", bin: bin, dir: dir, logPath: filepath.Join(dir, "weed.log")}
	conf := filepath.Join(dir, "s3.json")
	ident := map[string]any{"identities": []any{map[string]any{
		"name":        "dateline",
		"credentials": []any{map[string]string{"accessKey": AccessKey, "secretKey": SecretKey}},
		"actions":     []string{"Admin", "Read", "List", "Tagging", "Write"},
	}}}
	b, _ := json.Marshal(ident)
	if err := os.WriteFile(conf, b, 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		t.Fatal(err)
	}
	p := freeport.Ports(t, 8)
	s.Endpoint = "127.0.0.1:" + strconv.Itoa(p[6])
	s.args = []string{
		"-logtostderr",
		"server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data,
		"-master.port=" + strconv.Itoa(p[0]), "-master.port.grpc=" + strconv.Itoa(p[1]),
		"-volume.port=" + strconv.Itoa(p[2]), "-volume.port.grpc=" + strconv.Itoa(p[3]),
		"-filer.port=" + strconv.Itoa(p[4]), "-filer.port.grpc=" + strconv.Itoa(p[5]),
		"-s3", "-s3.port=" + strconv.Itoa(p[6]), "-s3.port.grpc=" + strconv.Itoa(p[7]),
		"-s3.config=" + conf, "-s3.port.iceberg=0", "-s3.port.lance=0",
		"-filer.localSocket=" + filepath.Join(dir, "f.sock"), "-s3.localSocket=" + filepath.Join(dir, "s.sock"),
		// Small: volumes of at most 64 MB, made as needed (a bucket's
		// first seven at once), and nothing sent anywhere.
		"-volume.max=16", "-master.volumeSizeLimitMB=64", "-volume.preStopSeconds=0",
		"-master.telemetry=false",
		// A restarted master is the leader within a second, not ten.
		"-master.electionTimeout=1s",
	}
	t.Cleanup(func() {
		s.Stop()
		// weed makes its gRPC sockets in /tmp whatever it is told,
		// named by port, and a killed weed leaves them.
		for _, name := range []string{"master", "volume", "filer", "s3"} {
			for _, port := range p {
				os.Remove(fmt.Sprintf("/tmp/seaweedfs-%s-grpc-%d.sock", name, port))
			}
		}
	})
	began := time.Now()
	s.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl := s.Client(t)
	// The bucket, and a file written in it: SeaweedFS takes some seconds
	// after it answers before it takes files (it grows the bucket's first
	// volumes).
	for {
		err := cl.MakeBucket(ctx, s.Bucket, minio.MakeBucketOptions{Region: Region})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("weed: no bucket after 60 s: %v\n%s", err, s.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	for {
		_, err := cl.PutObject(ctx, s.Bucket, ProbeKey, strings.NewReader("ready"), 5, minio.PutObjectOptions{})
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("weed: takes no file after 60 s: %v\n%s", err, s.logTail())
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.probed = true
	t.Logf("SeaweedFS answers at %s, bucket made, in %v", s.Endpoint, time.Since(began).Round(time.Millisecond))
	return s
}

// Start starts the stopped server again, on the same folder and ports,
// and returns when its S3 gateway answers for the bucket.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	if s.cmd != nil {
		t.Fatal("weed: already running")
	}
	logf, err := os.OpenFile(s.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "GOMAXPROCS=2", "GOMEMLIMIT=256MiB")
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("weed: %v", err)
	}
	s.cmd, s.exited = cmd, make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(s.exited)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cl := s.Client(t)
	began := time.Now()
	for {
		err := s.ready(ctx, cl)
		if err == nil {
			if s.probed {
				t.Logf("SeaweedFS serves files again after %v", time.Since(began).Round(time.Millisecond))
			}
			return
		}
		select {
		case <-s.exited:
			s.cmd = nil
			t.Fatalf("weed exited: %v\n%s", err, s.logTail())
		case <-ctx.Done():
			t.Fatalf("weed: the S3 gateway did not answer in 60 s: %v\n%s", err, s.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ProbeKey is the file in the bucket that tells a restarted server
// serves files; tests use other prefixes.
const ProbeKey = "weedtest/probe"

// ready tells whether the server answers: a signed request at first
// (before the bucket exists, "no such bucket" is an answer too), the
// probe file once it was written.
func (s *Server) ready(ctx context.Context, cl *minio.Client) error {
	if !s.probed {
		_, err := cl.BucketExists(ctx, s.Bucket)
		return err
	}
	o, err := cl.GetObject(ctx, s.Bucket, ProbeKey, minio.GetObjectOptions{})
	if err != nil {
		return err
	}
	defer o.Close()
	b, err := io.ReadAll(o)
	if err == nil && string(b) != "ready" {
		err = fmt.Errorf("probe file reads %q", b)
	}
	return err
}

// Stop kills the server's process group and waits until it is gone.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.exited
	s.cmd = nil
}

// URL is the store's address for dateline, s3://BUCKET/PREFIX?....
func (s *Server) URL(prefix string) string {
	u := "s3://" + s.Bucket
	if prefix != "" {
		u += "/" + prefix
	}
	return u + "?endpoint=" + s.Endpoint + "&region=" + Region + "&insecure=1"
}

// Getenv gives the server's credentials as the AWS_* variables.
func Getenv(k string) string {
	switch k {
	case "AWS_ACCESS_KEY_ID":
		return AccessKey
	case "AWS_SECRET_ACCESS_KEY":
		return SecretKey
	}
	return ""
}

// Client is an S3 client of the server, for tests to look into the bucket.
func (s *Server) Client(t testing.TB) *minio.Client {
	cl, err := minio.New(s.Endpoint, &minio.Options{Creds: credentials.NewStaticV4(AccessKey, SecretKey, ""), Region: Region, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

// Keys lists the object keys under prefix, in order.
func (s *Server) Keys(t testing.TB, prefix string) []string {
	t.Helper()
	var keys []string
	for k := range s.ETags(t, prefix) {
		keys = append(keys, prefix+k)
	}
	slices.Sort(keys)
	return keys
}

// ETags maps the keys under prefix, less the prefix, to their ETags.
func (s *Server) ETags(t testing.TB, prefix string) map[string]string {
	t.Helper()
	tags := map[string]string{}
	for o := range s.Client(t).ListObjectsIter(context.Background(), s.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			t.Fatal(o.Err)
		}
		tags[strings.TrimPrefix(o.Key, prefix)] = o.ETag
	}
	return tags
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return strings.TrimSpace(string(b))
}

// freePorts returns n ports free on loopback now.
