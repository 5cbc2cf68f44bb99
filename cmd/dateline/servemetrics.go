package main

import (
	"errors"
	"flag"
	"log/slog"
	"net/http"
	"time"

	"dateline/metrics"
)

// metricsFlags say where serve answers GET /metrics: on a side address,
// and on the main one to requests bearing a token.
type metricsFlags struct {
	addr  string
	token string
}

func (f *metricsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "metrics-addr", env("DATELINE_METRICS_ADDR", ""), "if set, serve Prometheus metrics (/metrics) on this separate address, e.g. 127.0.0.1:9100, with no token (env DATELINE_METRICS_ADDR)")
	fs.StringVar(&f.token, "metrics-token", env("DATELINE_METRICS_TOKEN", ""), "if set, serve Prometheus metrics on the main address at /metrics to requests with Authorization: Bearer TOKEN (env DATELINE_METRICS_TOKEN)")
}

// on reports whether the node keeps metrics.
func (f *metricsFlags) on() bool { return f.addr != "" || f.token != "" }

// serveSide serves m on the side address, when one is set, until the
// returned function is called.
func (f *metricsFlags) serveSide(m *metrics.Metrics, log *slog.Logger) (stop func()) {
	if f.addr == "" {
		return func() {}
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{Addr: f.addr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server", "err", err)
		}
	}()
	return func() { srv.Close() }
}

// measure registers the free space of the data folder and of the media
// folder (when apart), for the disk space alert.
func (f *metricsFlags) measure(m *metrics.Metrics, data, media string) {
	m.FreeSpace(data, "data")
	if media != "" {
		m.FreeSpace(media, "media")
	}
}
