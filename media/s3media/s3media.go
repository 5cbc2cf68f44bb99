// Package s3media keeps photo files in a bucket of an S3-compatible object
// store (Amazon S3, MinIO, SeaweedFS, Ceph, ...), which every node of a
// cluster reads and writes. It implements dateline.Media.
package s3media

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"dateline"
)

// Config names a bucket and how to reach it.
type Config struct {
	Endpoint string // host:port of the store's S3 API
	Region   string // "" asks the store for the bucket's region
	Bucket   string
	Prefix   string // the folder inside the bucket: "" or plain segments, no slash at either end
	Insecure bool   // plain http, for a store on loopback or a private network
	// The access key and secret. They never come from the URL, which is
	// shown in logs and process lists.
	AccessKey, SecretKey, SessionToken string
}

// DefaultEndpoint is the endpoint when the URL names none.
const DefaultEndpoint = "s3.amazonaws.com"

// ParseURL reads s3://BUCKET[/PREFIX][?endpoint=HOST:PORT&region=R&insecure=1].
// Returns EINVALID with a one-line message for anything else, including a
// URL with credentials in it.
func ParseURL(raw string) (Config, error) {
	bad := func(format string, args ...any) (Config, error) {
		return Config{}, dateline.Errorf(dateline.EINVALID, "--media "+format, args...)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "s3" || u.Opaque != "" {
		return bad("must be a folder or s3://BUCKET/PREFIX?endpoint=HOST:PORT")
	}
	if u.User != nil {
		return bad("must not carry credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	c := Config{Bucket: u.Host, Prefix: strings.Trim(u.Path, "/"), Endpoint: DefaultEndpoint}
	if err := s3utils.CheckValidBucketNameStrict(c.Bucket); err != nil {
		return bad("names the bucket %q, which is not a valid bucket name", c.Bucket)
	}
	if c.Prefix != "" && !dateline.ValidMediaPath(c.Prefix) {
		return bad("has the prefix %q: use plain folder names separated by /", c.Prefix)
	}
	if u.Fragment != "" {
		return bad("must not have a #fragment")
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return bad("has a malformed query: %v", err)
	}
	for k, v := range q {
		if len(v) != 1 {
			return bad("gives %s more than once", k)
		}
		switch val := v[0]; k {
		case "endpoint":
			host, port, err := net.SplitHostPort(val)
			if err != nil && !strings.Contains(val, ":") {
				host, port, err = val, "0", nil // no port: the scheme's
			}
			if err != nil || host == "" || port == "" || strings.Trim(port, "0123456789") != "" || strings.ContainsAny(val, "/?#@ ") {
				return bad("has endpoint=%q: give HOST or HOST:PORT", val)
			}
			c.Endpoint = val
		case "region":
			if val == "" || strings.ContainsAny(val, " /?#") {
				return bad("has region=%q, which is not a region name", val)
			}
			c.Region = val
		case "insecure":
			switch val {
			case "1", "true":
				c.Insecure = true
			case "0", "false":
			default:
				return bad("has insecure=%q: use insecure=1 for plain http", val)
			}
		default:
			return bad("has the unknown parameter %q (known: endpoint, region, insecure)", k)
		}
	}
	return c, nil
}

// String is the store's URL without credentials, for logs.
func (c Config) String() string {
	s := "s3://" + c.Bucket
	if c.Prefix != "" {
		s += "/" + c.Prefix
	}
	var q []string
	if c.Endpoint != DefaultEndpoint {
		q = append(q, "endpoint="+c.Endpoint)
	}
	if c.Region != "" {
		q = append(q, "region="+c.Region)
	}
	if c.Insecure {
		q = append(q, "insecure=1")
	}
	if len(q) > 0 {
		s += "?" + strings.Join(q, "&")
	}
	return s
}

// Open parses raw (see ParseURL) and connects with the credentials of the
// standard AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
// variables that getenv reads. Returns EINVALID when the URL is bad or a
// credential is missing. Nothing is sent to the store yet.
func Open(raw string, getenv func(string) string) (*Store, error) {
	c, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	c.AccessKey, c.SecretKey, c.SessionToken = getenv("AWS_ACCESS_KEY_ID"), getenv("AWS_SECRET_ACCESS_KEY"), getenv("AWS_SESSION_TOKEN")
	if c.AccessKey == "" || c.SecretKey == "" {
		return nil, dateline.Errorf(dateline.EINVALID, "--media %s needs the store's credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", c)
	}
	return New(c)
}

// Store is a bucket prefix of an S3-compatible store.
type Store struct {
	cfg  Config
	cl   *minio.Client
	core minio.Core
}

var _ dateline.Media = (*Store)(nil)

// How long the store may take to connect and to begin its answer before a
// try counts as not answering: a photo that is late is a photo missing,
// and the node's connections are better used for others.
const (
	dialTimeout   = 3 * time.Second
	answerTimeout = 5 * time.Second
	// One try and one retry: a store that is down answers "not
	// answering" within a second, not after the client library's ten
	// tries with back-off.
	tries = 2
)

// New makes a Store of c. Nothing is sent to the store yet.
func New(c Config) (*Store, error) {
	tr, err := minio.DefaultTransport(!c.Insecure)
	if err != nil {
		return nil, err
	}
	tr.DialContext = (&net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = answerTimeout
	tr.MaxIdleConnsPerHost = 64 // photos of a page are asked for together
	cl, err := minio.New(c.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(c.AccessKey, c.SecretKey, c.SessionToken),
		Secure:     !c.Insecure,
		Region:     c.Region,
		Transport:  tr,
		MaxRetries: tries,
	})
	if err != nil {
		return nil, dateline.Errorf(dateline.EINVALID, "--media %s: %v", c, err)
	}
	return &Store{cfg: c, cl: cl, core: minio.Core{Client: cl}}, nil
}

// String is the store's URL, without credentials.
func (s *Store) String() string { return s.cfg.String() }

// key is the object key of a media path.
func (s *Store) key(p string) string {
	if s.cfg.Prefix == "" {
		return p
	}
	return s.cfg.Prefix + "/" + p
}

// errUnavailable is what readers and the newsroom are told when the store
// does not answer.
var errUnavailable = dateline.Errorf(dateline.EUNAVAILABLE, "The photo store is not answering; try again shortly.")

// fail turns an error of the store into dateline's: ENOTFOUND for a
// missing key, EUNAVAILABLE (with the cause, for the log) when the store
// gives no answer or a server error, ctx's error when the caller gave up,
// and an internal error for anything else (denied credentials, a missing
// bucket: the node's configuration, for its operator).
// p is the media path, or "" for a call on the whole store.
func (s *Store) fail(ctx context.Context, op, p string, err error) error {
	if p != "" {
		op += " " + p
	}
	if ctx.Err() != nil {
		return fmt.Errorf("s3media: %s: %w", op, ctx.Err())
	}
	var er minio.ErrorResponse
	if errors.As(err, &er) {
		switch {
		case er.Code == minio.NoSuchKey:
			return dateline.Errorf(dateline.ENOTFOUND, "No such file.")
		case er.StatusCode >= 500:
			return fmt.Errorf("s3media: %s in %s: %w (%v)", op, s.cfg, errUnavailable, err)
		case er.Code == minio.NoSuchBucket:
			return fmt.Errorf("s3media: %s: the bucket %q does not exist at %s", op, s.cfg.Bucket, s.cfg.Endpoint)
		}
		return fmt.Errorf("s3media: %s in %s: %s (%d %s)", op, s.cfg, er.Message, er.StatusCode, er.Code)
	}
	return fmt.Errorf("s3media: %s in %s: %w (%v)", op, s.cfg, errUnavailable, err)
}

// Put uploads the file. An object appears whole or not at all, so readers
// never see half a file. Returns EINVALID for a path that is not allowed,
// EUNAVAILABLE when the store does not answer.
func (s *Store) Put(ctx context.Context, p string, r io.Reader) error {
	if !dateline.ValidMediaPath(p) {
		return dateline.Errorf(dateline.EINVALID, "The media path %q is not allowed.", p)
	}
	// A known size goes in one request, whatever it is: a photo is far
	// below the 5 GB a single PUT may carry, and no upload in parts is
	// left behind when one fails.
	size := sizeOf(r)
	opts := minio.PutObjectOptions{ContentType: contentType(p), DisableMultipart: size >= 0}
	_, err := s.cl.PutObject(ctx, s.cfg.Bucket, s.key(p), r, size, opts)
	if err != nil {
		return s.fail(ctx, "put", p, err)
	}
	return nil
}

// sizeOf is how many bytes r has left when it can tell, or -1 (sent in
// parts of 16 MB).
func sizeOf(r io.Reader) int64 {
	switch r := r.(type) {
	case interface{ Len() int }:
		return int64(r.Len())
	case io.Seeker:
		cur, err := r.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1
		}
		end, err := r.Seek(0, io.SeekEnd)
		if err != nil {
			return -1
		}
		if _, err := r.Seek(cur, io.SeekStart); err != nil {
			return -1
		}
		return end - cur
	}
	return -1
}

// contentType is the type of the files Prepare writes, so that a bucket
// served directly (by a CDN, say) answers with the right one.
func contentType(p string) string {
	switch strings.ToLower(path.Ext(p)) {
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	case ".webp":
		return "image/webp"
	}
	return "application/octet-stream"
}

// Get opens the object: its size, time and ETag are asked for now, its
// bytes only when read, from where the reader has sought to (one request
// for a whole file, one for each range). Returns ENOTFOUND when there is
// none, EUNAVAILABLE when the store does not answer.
func (s *Store) Get(ctx context.Context, p string) (dateline.MediaFile, error) {
	if !dateline.ValidMediaPath(p) {
		return nil, dateline.Errorf(dateline.ENOTFOUND, "No such file.")
	}
	info, err := s.cl.StatObject(ctx, s.cfg.Bucket, s.key(p), minio.StatObjectOptions{})
	if err != nil {
		return nil, s.fail(ctx, "get", p, err)
	}
	return &object{s: s, ctx: ctx, path: p, info: info}, nil
}

// Exists reports whether an object is stored at p.
func (s *Store) Exists(ctx context.Context, p string) (bool, error) {
	if !dateline.ValidMediaPath(p) {
		return false, dateline.Errorf(dateline.EINVALID, "The media path %q is not allowed.", p)
	}
	_, err := s.cl.StatObject(ctx, s.cfg.Bucket, s.key(p), minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if err = s.fail(ctx, "stat", p, err); dateline.ErrorCode(err) == dateline.ENOTFOUND {
		return false, nil
	}
	return false, err
}

// List calls fn with the path and size of every file under the prefix, in
// key order, and stops at fn's first error.
func (s *Store) List(ctx context.Context, fn func(p string, size int64) error) error {
	prefix := ""
	if s.cfg.Prefix != "" {
		prefix = s.cfg.Prefix + "/"
	}
	for o := range s.cl.ListObjectsIter(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: prefix, Recursive: true}) {
		if o.Err != nil {
			return s.fail(ctx, "list", "", o.Err)
		}
		p := strings.TrimPrefix(o.Key, prefix)
		if strings.HasSuffix(p, "/") {
			continue // a folder marker some tools make
		}
		if err := fn(p, o.Size); err != nil {
			return err
		}
	}
	return nil
}

// Remove deletes the file at p; a missing one is no error.
func (s *Store) Remove(ctx context.Context, p string) error {
	if !dateline.ValidMediaPath(p) {
		return dateline.Errorf(dateline.EINVALID, "The media path %q is not allowed.", p)
	}
	if err := s.cl.RemoveObject(ctx, s.cfg.Bucket, s.key(p), minio.RemoveObjectOptions{}); err != nil {
		return s.fail(ctx, "remove", p, err)
	}
	return nil
}

// Check asks the store whether the bucket is there, so that a node with a
// wrong bucket or credentials says so when it starts. Returns EUNAVAILABLE
// when the store does not answer.
func (s *Store) Check(ctx context.Context) error {
	ok, err := s.cl.BucketExists(ctx, s.cfg.Bucket)
	if err != nil {
		return s.fail(ctx, "check", "", err)
	}
	if !ok {
		return fmt.Errorf("s3media: check: the bucket %q does not exist at %s", s.cfg.Bucket, s.cfg.Endpoint)
	}
	return nil
}

// object is an open object. Its bytes are read by one ranged GET from the
// offset sought to, asked for on the first Read after a Seek, so that
// http.ServeContent's seeks to learn the size cost nothing.
type object struct {
	s    *Store
	ctx  context.Context
	path string
	info minio.ObjectInfo
	pos  int64         // where the next Read reads
	body io.ReadCloser // the response being read, at bodyAt; nil before the first Read
	at   int64
}

func (o *object) ModTime() time.Time { return o.info.LastModified }

// ETag is the store's entity tag of the object, unquoted.
func (o *object) ETag() string { return o.info.ETag }

func (o *object) Read(b []byte) (int, error) {
	if o.pos >= o.info.Size {
		return 0, io.EOF
	}
	if o.body == nil || o.at != o.pos {
		if o.body != nil {
			o.body.Close()
			o.body = nil
		}
		var opts minio.GetObjectOptions
		if o.pos > 0 {
			opts.SetRange(o.pos, 0)
		}
		// The bytes of the version whose size and time were given.
		opts.SetMatchETag(o.info.ETag)
		body, _, _, err := o.s.core.GetObject(o.ctx, o.s.cfg.Bucket, o.s.key(o.path), opts)
		if err != nil {
			return 0, o.s.fail(o.ctx, "read", o.path, err)
		}
		o.body, o.at = body, o.pos
	}
	n, err := o.body.Read(b)
	o.pos += int64(n)
	o.at = o.pos
	if err == io.EOF && o.pos < o.info.Size {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (o *object) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		offset += o.pos
	case io.SeekEnd:
		offset += o.info.Size
	default:
		return 0, errors.New("s3media: bad whence")
	}
	if offset < 0 {
		return 0, errors.New("s3media: seek before the start")
	}
	o.pos = offset
	return offset, nil
}

func (o *object) Close() error {
	if o.body != nil {
		err := o.body.Close()
		o.body = nil
		return err
	}
	return nil
}
