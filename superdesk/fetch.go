package superdesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"dateline"
	"dateline/internal/netguard"
	"dateline/media"
)

// A picture whose binary Superdesk never uploaded (a transmitter that
// skipped the upload, a rendition added later) is fetched once from its
// rendition's href and kept like an upload (superdesk/in/<SHA-256>, a
// superdesk_assets row), so later versions reuse it and the site never
// hot-links the sender. What went wrong decides the answer: a fault that
// may mend (a time-out, a refused connection, 5xx, 408, 429) makes the
// item EUNAVAILABLE, so Superdesk sends it again; one that will not (4xx,
// not an image, too large, a private address, no such host) leaves the
// picture out with a log line.

// FetchTimeout bounds one picture's fetch, body included.
const FetchTimeout = 10 * time.Second

// maxFetches is how many renditions of one picture are tried.
const maxFetches = 2

// fetchFault is a fetch that will not succeed if tried again.
type fetchFault struct{ msg string }

func (f fetchFault) Error() string { return f.msg }

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// fetched is photo from the renditions' hrefs, for a picture none of whose
// binaries was uploaded.
func (s *Service) fetched(ctx context.Context, pic Picture, now time.Time) (*dateline.Photo, error) {
	tries := 0
	for _, id := range pic.Media {
		href := pic.Hrefs[id]
		if href == "" {
			continue
		}
		if tries++; tries > maxFetches {
			break
		}
		err := s.fetch(ctx, id, href)
		var fault fetchFault
		switch {
		case errors.As(err, &fault):
			s.log().Warn("superdesk: picture left out", "media", id, "href", href, "err", fault.msg)
			continue
		case err != nil:
			return nil, err
		}
		one := pic
		one.Media = []string{id}
		p, err := s.uploaded(ctx, one, now)
		if p != nil || err != nil {
			return p, err
		}
		s.log().Warn("superdesk: picture left out", "media", id, "href", href, "err", "not an image dateline takes")
	}
	return nil, nil
}

// fetch gets href and keeps it as the binary of the media id (Upload).
// Returns a fetchFault for what will not mend, EUNAVAILABLE for what
// may.
func (s *Service) fetch(ctx context.Context, mediaID, href string) error {
	u, err := url.Parse(href)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fetchFault{"the href is not an http or https address"}
	}
	ctx, cancel := context.WithTimeout(ctx, FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fetchFault{"the href is not an address: " + err.Error()}
	}
	req.Header.Set("Accept", "image/*")
	req.Header.Set("User-Agent", "dateline (Superdesk picture)")
	res, err := s.Fetch.Do(req)
	if err != nil {
		return fetchError(err)
	}
	defer res.Body.Close()
	switch {
	case res.StatusCode >= 500, res.StatusCode == http.StatusRequestTimeout, res.StatusCode == http.StatusTooManyRequests:
		return dateline.Errorf(dateline.EUNAVAILABLE, "A picture could not be fetched from Superdesk for now (%d); try again shortly.", res.StatusCode)
	case res.StatusCode != http.StatusOK:
		return fetchFault{fmt.Sprintf("the href answered %d", res.StatusCode)}
	}
	mt, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if !strings.HasPrefix(mt, "image/") {
		return fetchFault{fmt.Sprintf("the href answered %q, not an image", truncate(mt, 60))}
	}
	limit := media.DefaultLimits.MaxBytes
	if res.ContentLength > limit {
		return fetchFault{fmt.Sprintf("the picture has %d bytes, over %d", res.ContentLength, limit)}
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, limit+1))
	if err != nil {
		return fetchError(err)
	}
	if int64(len(data)) > limit {
		return fetchFault{fmt.Sprintf("the picture has over %d bytes", limit)}
	}
	if len(data) == 0 {
		return fetchFault{"the picture is empty"}
	}
	return s.Upload(ctx, mediaID, mt, data)
}

// fetchError sorts a failed request: refused addresses, unknown hosts
// and redirects the guard refuses will not mend; time-outs and network
// faults may.
func fetchError(err error) error {
	var refused netguard.RefusedError
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.As(err, &refused):
		return fetchFault{refused.Error()}
	case errors.As(err, &dns) && dns.IsNotFound:
		return fetchFault{"no such host: " + dns.Name}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled), errors.As(err, &op), errors.Is(err, io.ErrUnexpectedEOF):
		return dateline.Errorf(dateline.EUNAVAILABLE, "A picture could not be fetched from Superdesk for now; try again shortly.")
	}
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return dateline.Errorf(dateline.EUNAVAILABLE, "A picture could not be fetched from Superdesk for now; try again shortly.")
	}
	return fetchFault{err.Error()}
}
