package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"net/url"
	rpprof "runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // zones must resolve on a machine without tzdata

	"dateline"
	"dateline/auth"
	"dateline/backup"
	"dateline/cities"
	"dateline/cmd/dateline/internal/mailcmd"
	"dateline/demo"
	dhttp "dateline/http"
	"dateline/ingest"
	"dateline/internal/mediastore"
	"dateline/internal/netguard"
	"dateline/media"
	"dateline/metrics"
	"dateline/partners"
	"dateline/push"
	"dateline/rates"
	"dateline/sqlite"
	"dateline/superdesk"
	"dateline/weather"
)

// serveConfig is everything "dateline serve" is told.
type serveConfig struct {
	store           storeFlags
	addr            string
	demo            bool
	baseURL         string
	siteName        string
	agencyMark      string
	city            string
	fallbackSection string
	maxBody         int64
	logFormat       string
	logLevel        string
	dev             bool
	debugAddr       string
	media           string
	files           backup.Media // what media names
	trusted         listFlag
	trustedNets     []netip.Prefix
	feedContent     string
	websubHub       string
	partnerFeeds    bool
	partnersPrivate bool
	fetchPrivate    bool
	push            bool
	pushPrivate     bool
	pushTimeout     time.Duration
	pushKeep        time.Duration
	superdeskKeep   time.Duration
	mail            mailcmd.ServeFlags
	ratesURLs       listFlag
	ratesEvery      time.Duration
	noAds           bool
	times           string
	renderLimit     float64
	weatherURL      string
	defaultCity     cities.City
	memoryLimit     string
	pageCache       string
	memory          memoryPlan
	metrics         metricsFlags
}

func parseServe(args []string, stdout, stderr io.Writer) (*serveConfig, error) {
	c := &serveConfig{}
	var err error
	fs := newFlagSet("serve", "Usage: dateline serve [flags]\n\nServes the reader pages, the media files and the API on one address. With\n--demo an empty database is first filled with the demo site.")
	c.store.register(fs)
	c.store.registerReplicas(fs)
	c.store.registerDurability(fs)
	fs.StringVar(&c.pageCache, "page-cache", env("DATELINE_PAGE_CACHE", "auto"), "the page cache's budget, such as 64MiB or 1GiB: rendered pages kept as ready bytes, the least recently used dropped beyond it; auto is a sixteenth of the memory limit, at least 16MiB and at most 64MiB (env DATELINE_PAGE_CACHE)")
	fs.StringVar(&c.memoryLimit, "memory-limit", env("DATELINE_MEMORY_LIMIT", "auto"), "the node's memory limit, such as 768MiB or 2GiB: the Go runtime collects garbage harder as it nears it, and photo uploads are prepared within three quarters of it (larger ones wait their turn); auto is GOMEMLIMIT when set, else three quarters of the container's memory limit or of the machine's memory (env DATELINE_MEMORY_LIMIT)")
	fs.StringVar(&c.media, "media", env("DATELINE_MEDIA", ""), mediastore.FlagHelp)
	fs.StringVar(&c.addr, "addr", env("DATELINE_ADDR", "127.0.0.1:8080"), "address to listen on, HOST:PORT (env DATELINE_ADDR)")
	fs.BoolVar(&c.demo, "demo", env("DATELINE_DEMO", "") == "1", "load the demo site into an empty database (env DATELINE_DEMO=1)")
	fs.StringVar(&c.baseURL, "base-url", env("DATELINE_BASE_URL", ""), "the site's public URL, for canonical and share links (default http://ADDR) (env DATELINE_BASE_URL)")
	fs.StringVar(&c.siteName, "site-name", env("DATELINE_SITE_NAME", "Dateline"), "the site's name (env DATELINE_SITE_NAME)")
	fs.StringVar(&c.agencyMark, "agency-mark", env("DATELINE_AGENCY_MARK", "DATELINE"), `the agency's mark in datelines: "MOSCOW, October 23. /MARK/." (env DATELINE_AGENCY_MARK)`)
	fs.StringVar(&c.city, "city", env("DATELINE_CITY", "moscow"), "the default city, a slug of the site's city list (/city) such as moscow or berlin: readers who chose none see its local time and weather, and with --times agency every time is in its zone (env DATELINE_CITY)")
	fs.StringVar(&c.times, "times", env("DATELINE_TIMES", dhttp.TimesReader), "which zone times on the site are shown in: reader (pages show the default city's zone and their script the city the reader chose) or agency (always the default city's) (env DATELINE_TIMES)")
	fs.Float64Var(&c.renderLimit, "render-limit", 20, "how many pages that are not in the page cache one address may have rendered a second, in bursts of twice as many; beyond it 429 (cached pages are always served; loopback is not limited: name a local proxy with --trusted-proxy); 0 for no limit")
	fs.StringVar(&c.weatherURL, "weather-url", env("DATELINE_WEATHER_URL", ""), "a provider of current weather in Open-Meteo's forecast API format, e.g. https://api.open-meteo.com/v1/forecast, read every 15 minutes for the default city and the cities readers chose; empty shows no weather (env DATELINE_WEATHER_URL)")
	fs.StringVar(&c.fallbackSection, "fallback-section", env("DATELINE_FALLBACK_SECTION", "world"), "section for ingested items that match no section's codes; empty refuses them (env DATELINE_FALLBACK_SECTION)")
	fs.Int64Var(&c.maxBody, "max-body", 2<<20, "largest API request body in bytes")
	fs.StringVar(&c.logFormat, "log-format", env("DATELINE_LOG_FORMAT", "text"), "log format: text or json (env DATELINE_LOG_FORMAT)")
	fs.StringVar(&c.logLevel, "log-level", env("DATELINE_LOG_LEVEL", "info"), "log level: debug, info, warn or error; warn hides the access log (env DATELINE_LOG_LEVEL)")
	fs.StringVar(&c.debugAddr, "debug-addr", env("DATELINE_DEBUG_ADDR", ""), "if set, serve Go's profiler (/debug/pprof/) on this separate address, e.g. 127.0.0.1:6060 (env DATELINE_DEBUG_ADDR)")
	c.metrics.register(fs)
	fs.Var(&c.trusted, "trusted-proxy", "address or CIDR of a reverse proxy in front of the node, whose X-Forwarded-For gives the reader's address; repeat for several (env DATELINE_TRUSTED_PROXIES, space-separated)")
	fs.BoolVar(&c.dev, "dev", false, "read templates from ./http/html on every request, for template work")
	fs.StringVar(&c.feedContent, "feed-content", env("DATELINE_FEED_CONTENT", dhttp.FeedFull), "what RSS, Atom and JSON feeds carry of each story: full or summary (env DATELINE_FEED_CONTENT)")
	fs.StringVar(&c.websubHub, "websub-hub", env("DATELINE_WEBSUB_HUB", ""), "a WebSub hub's URL: feeds name it and it is pinged when they change (env DATELINE_WEBSUB_HUB)")
	fs.BoolVar(&c.noAds, "no-ads", env("DATELINE_NO_ADS", "") == "1", "show no ads on this node, whatever the newsroom's ads page sets; labels of partner material and advertising stay (env DATELINE_NO_ADS=1)")
	fs.BoolVar(&c.partnerFeeds, "partner-feeds", env("DATELINE_PARTNER_FEEDS", "1") == "1", "fetch the partner feeds the newsroom registers, for the home page's Partner News and In other media (env DATELINE_PARTNER_FEEDS=0 turns it off)")
	fs.BoolVar(&c.partnersPrivate, "partners-allow-private", env("DATELINE_PARTNERS_ALLOW_PRIVATE", "") == "1", "let partner feeds live on loopback and private addresses; link-local (cloud metadata) stays refused (env DATELINE_PARTNERS_ALLOW_PRIVATE=1)")
	fs.BoolVar(&c.fetchPrivate, "fetch-allow-private", env("DATELINE_FETCH_ALLOW_PRIVATE", "") == "1", "let --weather-url, --rates-url and the pictures Superdesk did not upload (fetched from their href) reach loopback and private addresses (a provider or a Superdesk on your own network); link-local (cloud metadata) stays refused (env DATELINE_FETCH_ALLOW_PRIVATE=1)")
	fs.BoolVar(&c.push, "push", env("DATELINE_PUSH", "1") == "1", "deliver clients' items to their push destinations from this node (env DATELINE_PUSH=0 turns it off)")
	fs.BoolVar(&c.pushPrivate, "push-allow-private", env("DATELINE_PUSH_ALLOW_PRIVATE", "") == "1", "let push destinations live on loopback and private addresses, over plain http too; link-local (cloud metadata) stays refused (env DATELINE_PUSH_ALLOW_PRIVATE=1)")
	fs.DurationVar(&c.superdeskKeep, "superdesk-keep", 7*24*time.Hour, "how long a picture Superdesk uploaded is kept when no item used it (removed hourly, file and record; 0 keeps them for ever); a picture a story shows is kept")
	fs.DurationVar(&c.pushKeep, "push-keep", 30*24*time.Hour, "how long the log of sent and failed push deliveries is kept (pruned hourly; 0 keeps it for ever); who received which story is kept regardless, so kills and corrections still reach them, and a replay reaches back only this far")
	fs.DurationVar(&c.pushTimeout, "push-timeout", 10*time.Second, "how long a push destination has to answer one delivery; a node that dies mid-send frees its deliveries after twice this and a second")
	c.mail.Register(fs)
	fs.Var(&c.ratesURLs, "rates-url", "a Bank of Russia XML_daily or ECB eurofxref-daily URL to fetch exchange rates from, at start and every --rates-every; repeat for several; none by default (env DATELINE_RATES_URLS, space-separated)")
	fs.DurationVar(&c.ratesEvery, "rates-every", time.Hour, "how often to fetch the --rates-url files, at least 1m")
	if err := parse(fs, args, stdout, stderr, false); err != nil {
		return nil, err
	}
	if err := c.checkRates(); err != nil {
		return nil, err
	}
	if err := c.mail.Check(); err != nil {
		return nil, usagef("%v", err)
	}
	if err := c.store.checkDurability(); err != nil {
		return nil, err
	}
	if c.files, err = openMedia(c.media, c.store.data); err != nil {
		return nil, err
	}
	if c.memory, err = planMemory(c.memoryLimit, c.pageCache); err != nil {
		return nil, err
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return nil, usagef("--addr must be HOST:PORT, not %q", c.addr)
	}
	city, ok := cities.Find(c.city)
	if !ok {
		return nil, usagef("--city must be a slug of the city list such as moscow or new-delhi (see the site's /city page), not %q", c.city)
	}
	c.defaultCity = city
	if c.times != dhttp.TimesReader && c.times != dhttp.TimesAgency {
		return nil, usagef("--times must be reader or agency, not %q", c.times)
	}
	if c.renderLimit < 0 || math.IsNaN(c.renderLimit) || math.IsInf(c.renderLimit, 0) {
		return nil, usagef("--render-limit must be a number of pages a second, 0 for no limit, not %v", c.renderLimit)
	}
	if c.weatherURL != "" {
		if err := c.checkFetchURL("--weather-url", c.weatherURL); err != nil {
			return nil, err
		}
	}
	if c.maxBody < 1024 {
		return nil, usagef("--max-body must be at least 1024 bytes")
	}
	if c.superdeskKeep < 0 {
		return nil, usagef("--superdesk-keep must be a duration such as 168h, or 0 to keep unused uploads for ever, not %v", c.superdeskKeep)
	}
	if c.pushKeep < 0 {
		return nil, usagef("--push-keep must be a duration such as 720h, or 0 to keep the push log for ever, not %v", c.pushKeep)
	}
	if c.feedContent != dhttp.FeedFull && c.feedContent != dhttp.FeedSummary {
		return nil, usagef("--feed-content must be full or summary, not %q", c.feedContent)
	}
	if c.websubHub != "" {
		if u, err := url.Parse(c.websubHub); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, usagef("--websub-hub must be an http or https URL, not %q", c.websubHub)
		}
	}
	if len(c.trusted) == 0 {
		c.trusted = strings.Fields(env("DATELINE_TRUSTED_PROXIES", ""))
	}
	for _, t := range c.trusted {
		p, err := netip.ParsePrefix(t)
		if err != nil {
			a, err2 := netip.ParseAddr(t)
			if err2 != nil {
				return nil, usagef("--trusted-proxy must be an address or CIDR such as 10.0.0.0/8, not %q", t)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		c.trustedNets = append(c.trustedNets, p)
	}
	return c, nil
}

// durabilityName is what the log says of durability: SQLite's setting, or
// that PostgreSQL decides.
func (c *serveConfig) durabilityName() string {
	if strings.HasPrefix(c.store.db, "postgres") {
		return "postgres synchronous_commit"
	}
	if c.store.durability == "" {
		return string(sqlite.Full)
	}
	return c.store.durability
}

// guard is the address policy of the providers the operator names
// (weather, rates) and of Superdesk's picture hrefs: public addresses
// only, unless --fetch-allow-private.
func (c *serveConfig) guard() netguard.Policy {
	return netguard.Policy{AllowPrivate: c.fetchPrivate}
}

// checkFetchURL vets a provider's URL named by flag: an http or https
// URL with a host, no password, and no private address written in it
// (names are checked again at every connection and redirect).
func (c *serveConfig) checkFetchURL(flag, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usagef("%s must be an http or https URL, not %q", flag, raw)
	}
	if err := c.guard().CheckURL(u); err != nil {
		return usagef("%s: %v (--fetch-allow-private allows a provider on your own network)", flag, err)
	}
	return nil
}

// checkRates vets the rate URLs as checkFetchURL does.
func (c *serveConfig) checkRates() error {
	if len(c.ratesURLs) == 0 {
		c.ratesURLs = strings.Fields(env("DATELINE_RATES_URLS", ""))
	}
	for _, raw := range c.ratesURLs {
		if err := c.checkFetchURL("--rates-url", raw); err != nil {
			return err
		}
	}
	if c.ratesEvery < time.Minute {
		return usagef("--rates-every must be at least 1m, not %s", c.ratesEvery)
	}
	return nil
}

// logWriter buffers log lines and writes them out every 100 ms and at
// Close, so a busy node does not make one system call per request.
type logWriter struct {
	mu   sync.Mutex
	w    *bufio.Writer
	done chan struct{}
}

func newLogWriter(w io.Writer) *logWriter {
	lw := &logWriter{w: bufio.NewWriterSize(w, 64<<10), done: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				lw.mu.Lock()
				lw.w.Flush()
				lw.mu.Unlock()
			case <-lw.done:
				return
			}
		}
	}()
	return lw
}

func (lw *logWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Write(p)
}

func (lw *logWriter) Close() error {
	close(lw.done)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.w.Flush()
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usagef("unknown log level %q", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usagef("--log-format must be text or json, not %q", format)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseServe(args, stdout, stderr)
	if err != nil {
		return err
	}
	lw := newLogWriter(stderr)
	defer lw.Close()
	log, err := newLogger(lw, c.logFormat, c.logLevel)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return serve(ctx, c, ln, log)
}

// serve runs the site on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, c *serveConfig, ln net.Listener, log *slog.Logger) error {
	defer ln.Close()
	c.store.log = log
	// Memory first: the demo's photos are prepared within the budget too.
	c.memory.apply()
	media.SetWorkBudget(c.memory.images, 0)
	store, err := c.store.open(ctx)
	if err != nil {
		return err
	}
	defer store.Close()
	if strings.HasPrefix(c.store.db, "postgres") && c.store.durability == string(sqlite.Normal) {
		log.Warn("--durability applies to SQLite; on PostgreSQL its synchronous_commit setting decides when a commit is durable")
	}
	if c.fallbackSection != "" && !hasSection(ctx, store, c.fallbackSection) {
		return usagef("--fallback-section %q is not a section", c.fallbackSection)
	}
	files := c.files
	if err := mediastore.Check(ctx, files, log); err != nil {
		return err
	}
	demoLoaded := false
	if c.demo {
		n, err := store.CountArticles(ctx, "")
		if err != nil {
			return err
		}
		if n == 0 {
			start := time.Now()
			n, err := demo.Load(ctx, store, files, time.Now())
			if err != nil {
				return err
			}
			log.Info("demo site loaded", "articles", n, "took", time.Since(start).Round(time.Millisecond))
			demoLoaded = true
			// Only a site the demo just filled gets the demo's accounts,
			// whose password is public: never a real site started with
			// --demo by mistake.
			if err := demoAccounts(ctx, store, log); err != nil {
				return err
			}
		} else {
			log.Info("demo not loaded: the database already has articles", "articles", n)
		}
	}

	baseURL := c.baseURL
	if baseURL == "" {
		baseURL = "http://" + ln.Addr().String()
	}
	if demoLoaded {
		// The house ad links to the site's news feed, so it waits for
		// the site's address.
		if err := demo.LoadAds(ctx, store, files, strings.TrimRight(baseURL, "/")); err != nil {
			return err
		}
	}
	in := &ingest.Service{Store: store, FallbackSection: c.fallbackSection}
	// Partner feeds: the scheduler is made before the server, which
	// uses it to vet and fetch feeds, and told of the server's Changed
	// once that exists.
	var sched *partners.Scheduler
	var srv *dhttp.Server
	hcfg := dhttp.Config{
		SiteName: c.siteName, AgencyMark: c.agencyMark, BaseURL: baseURL,
		City:  dhttp.City{Name: c.defaultCity.NameEN, Zone: c.defaultCity.Location(), Slug: c.defaultCity.Slug},
		Times: c.times, Media: files, MaxBodySize: c.maxBody, Dev: c.dev,
		TrustedProxies: c.trustedNets, FeedContent: c.feedContent, WebSubHub: c.websubHub, NoAds: c.noAds,
		PageCache: c.memory.pages, RenderLimit: renderLimit(c.renderLimit), PushAllowPrivate: c.pushPrivate, Mail: c.mail.URL != "",
		SuperdeskFetch: c.guard().Client(superdesk.FetchTimeout),
	}
	if c.metrics.on() {
		hcfg.Metrics, hcfg.MetricsToken = metrics.New(), c.metrics.token
		in.Metrics = hcfg.Metrics
		defer c.metrics.serveSide(hcfg.Metrics, log)()
	}
	// Weather is kept in memory on each node; every node fetches it.
	var wx *weather.Service
	if c.weatherURL != "" {
		if wx, err = weather.New(c.weatherURL, c.defaultCity.Slug, c.guard().Client(10*time.Second), time.Now, log); err != nil {
			return usagef("--weather-url: %v", err)
		}
		hcfg.Weather = wx
	}
	if c.partnerFeeds {
		sched = partners.NewScheduler(store, partners.NewFetcher(partners.Config{AllowPrivate: c.partnersPrivate}), log, time.Now,
			func() { srv.Changed() }, partners.Backoff{})
		sched.Metrics = hcfg.Metrics
		hcfg.Partners = sched
	}
	var rel *releaser
	var pusher *push.Pusher // made once the server is: it counts into its usage
	alertsWorker := c.mail.Alerts(store, strings.TrimRight(baseURL, "/"), c.siteName, log)
	hcfg.OnChange = func() {
		alertsWorker.Wake()
		if rel != nil {
			rel.Wake()
		}
		if pusher != nil {
			pusher.Wake()
		}
	}
	srv, err = dhttp.NewServer(store, in, log, hcfg, time.Now)
	if err != nil {
		return err
	}
	if c.push {
		pusher = push.New(store, push.Config{BaseURL: strings.TrimRight(baseURL, "/"), AllowPrivate: c.pushPrivate, Timeout: c.pushTimeout,
			Every: 2 * time.Second, Keep: cmp.Or(c.pushKeep, -1), Usage: srv.Usage()}, log, time.Now)
	}
	rel = newReleaser(store, srv.StoriesChanged, log)
	rel.metrics = hcfg.Metrics
	mediaDir := c.media
	if _, ok := files.(media.Dir); !ok {
		mediaDir = "" // a bucket has no free space to measure
	}
	c.metrics.measure(hcfg.Metrics, c.store.data, mediaDir)
	in.Changed = srv.StoriesChanged

	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	hs.RegisterOnShutdown(srv.CloseStreams)
	// Every background job of the node, in one list. They run until
	// pubCtx ends, which is after the HTTP server has shut down, so that
	// readership writes the views still in memory.
	workers := []worker{
		{"release timer", rel.Run},
		{"readership", srv.Readership().Run}, // views, rankings, the live streams, WebSub
		{"ads", srv.RunAds},
		{"usage", srv.RunUsage}, // the clients' usage counts
		// Count the sitemap months now, so the first crawler does not wait.
		{"sitemap warm-up", func(ctx context.Context) {
			if err := srv.WarmSitemaps(ctx); err != nil && ctx.Err() == nil {
				log.Error("sitemaps", "err", err)
			}
		}},
	}
	if len(c.ratesURLs) > 0 {
		rsched := &rates.Scheduler{URLs: c.ratesURLs, Store: store, Log: log, Changed: srv.Changed, Every: c.ratesEvery,
			Client: c.guard().Client(30 * time.Second), Metrics: hcfg.Metrics}
		workers = append(workers, worker{"rates", rsched.Run})
	}
	if wx != nil {
		workers = append(workers, worker{"weather", wx.Run})
	}
	if sched != nil {
		workers = append(workers, worker{"partners", sched.Run})
	}
	if outbox := c.mail.Outbox(store, strings.TrimRight(baseURL, "/"), log, hcfg.Metrics); outbox != nil {
		workers = append(workers, worker{"mail", outbox.Run})
		srv.Newsletter().Wake = outbox.Wake
	}
	// Readers' alerts are queued by every node (one at a time reads the
	// event log) and sent by the nodes with --smtp-url.
	workers = append(workers, worker{"newsletter", srv.Newsletter().Run})
	workers = append(workers, worker{"alerts", alertsWorker.Run})
	if c.superdeskKeep > 0 {
		cleanup := superdesk.New(store, files, nil)
		cleanup.Log = log
		workers = append(workers, worker{"superdesk cleanup", func(ctx context.Context) { cleanup.RunCleanup(ctx, files, c.superdeskKeep) }})
	}
	if pusher != nil {
		workers = append(workers, worker{"push", pusher.Run})
		if hcfg.Metrics != nil {
			hcfg.Metrics.Collect(pusher)
		}
	}
	// On a shared database other nodes change content too: a change of
	// stories they announce drops the pages that show them (the event log
	// says which), any other change empties this node's page cache.
	workers = append(workers, worker{"watch", func(ctx context.Context) {
		store.Watch(ctx, func(stories bool) {
			if stories {
				alertsWorker.Wake()
				if pusher != nil {
					pusher.Wake()
				}
				srv.StoriesChanged()
			} else {
				srv.Changed()
			}
		})
	}})
	pubCtx, stopPublisher := context.WithCancel(ctx)
	waitWorkers := startWorkers(pubCtx, workers)

	if c.debugAddr != "" {
		dbg := &http.Server{Addr: c.debugAddr, Handler: debugMux(), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := dbg.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("debug server", "err", err)
			}
		}()
		defer dbg.Close()
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("serving", "addr", ln.Addr().String(), "url", baseURL, "data", c.store.data,
		"memory_limit", c.memory.String(), "image_budget", sizeString(c.memory.images), "page_cache", sizeString(c.memory.pages), "durability", c.durabilityName())
	select {
	case err := <-errc:
		stopPublisher()
		waitWorkers()
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err = hs.Shutdown(shutCtx)
	stopPublisher()
	waitWorkers()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// worker is a background job of a node: it runs until its context ends.
type worker struct {
	name string
	run  func(ctx context.Context)
}

// startWorkers starts each worker in its own goroutine; the function it
// returns waits for them all to end, which they do once ctx ends.
func startWorkers(ctx context.Context, ws []worker) (wait func()) {
	var wg sync.WaitGroup
	for _, w := range ws {
		wg.Go(func() {
			rpprof.Do(ctx, rpprof.Labels("worker", w.name), w.run)
		})
	}
	return wg.Wait
}

// debugMux serves the profiler, and only on the debug address.
func debugMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}

func hasSection(ctx context.Context, store dateline.Store, slug string) bool {
	ss, err := store.Sections(ctx)
	if err != nil {
		return false
	}
	for _, s := range ss {
		if s.Slug == slug {
			return true
		}
	}
	return false
}

// releaser publishes embargoed and scheduled stories when their time
// comes: a timer aimed at the next embargo instant, re-aimed whenever
// something changes (a new embargo may come sooner). On a shared database
// every node's timer fires at the instant and the store's row locks let
// one node release the story; the others hear of it like any change.
type releaser struct {
	store   dateline.Store
	changed func()
	log     *slog.Logger
	wake    chan struct{}
	metrics *metrics.Metrics // the release lag
}

// maxReleaseWait is how long the releaser sleeps when no embargo is
// known, as a safety net for a change it was not told of.
const maxReleaseWait = 30 * time.Second

func newReleaser(store dateline.Store, changed func(), log *slog.Logger) *releaser {
	return &releaser{store: store, changed: changed, log: log, wake: make(chan struct{}, 1)}
}

// Wake makes the releaser look at the next embargo again.
func (r *releaser) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run releases due stories until ctx ends.
func (r *releaser) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		case <-timer.C:
		}
		timer.Reset(r.release(ctx))
	}
}

// release publishes what is due now and returns how long to wait for the
// next embargo.
func (r *releaser) release(ctx context.Context) time.Duration {
	// A read first: most wake-ups (every change of content) find nothing
	// due, and need not take the writer.
	next, err := r.store.NextEmbargo(ctx)
	if err != nil {
		return r.failed(ctx, "next embargo", err)
	}
	if !next.IsZero() && !next.After(time.Now()) {
		released, err := r.store.PublishDue(ctx, time.Now())
		if err != nil {
			return r.failed(ctx, "publish scheduled", err)
		}
		if len(released) > 0 {
			r.lag(released, time.Now())
			r.log.Info("published scheduled stories", "ids", joinIDs(released))
			r.changed()
		}
		if next, err = r.store.NextEmbargo(ctx); err != nil {
			return r.failed(ctx, "next embargo", err)
		}
	}
	if next.IsZero() {
		return maxReleaseWait
	}
	return min(maxReleaseWait, max(0, time.Until(next)))
}

// failed logs a failed step of the releaser and has it try again in a
// second.
func (r *releaser) failed(ctx context.Context, what string, err error) time.Duration {
	if ctx.Err() == nil {
		r.log.Error(what, "err", err)
	}
	return time.Second
}

// lag records how late the oldest due story of each kind (embargoed,
// scheduled) was released at now.
func (r *releaser) lag(released []dateline.Release, now time.Time) {
	var oldest [2]time.Time // scheduled, embargoed
	for _, x := range released {
		k := 0
		if x.Embargoed {
			k = 1
		}
		if oldest[k].IsZero() || x.Due.Before(oldest[k]) {
			oldest[k] = x.Due
		}
	}
	for k, kind := range []string{metrics.Scheduled, metrics.Embargoed} {
		if !oldest[k].IsZero() {
			r.metrics.ReleaseLag(kind, now.Sub(oldest[k]))
		}
	}
}

func joinIDs(released []dateline.Release) string {
	s := make([]string, len(released))
	for i, x := range released {
		s[i] = strconv.FormatInt(x.ID, 10)
	}
	return strings.Join(s, ",")
}

// DemoPassword is the password of the demo site's newsroom accounts. It
// is written in the README, never in a log.
const DemoPassword = "dateline-demo"

// demoAccounts makes an admin, an editor and a reporter on a demo site
// that has no accounts yet, so the newsroom can be tried at once.
func demoAccounts(ctx context.Context, store dateline.Store, log *slog.Logger) error {
	us, err := store.Users(ctx)
	if err != nil || len(us) > 0 {
		return err
	}
	hash := auth.Hash(DemoPassword)
	var emails []string
	for _, u := range []dateline.User{
		{Email: "admin@example.org", Name: "Alexandra Admin", Role: dateline.RoleAdmin},
		{Email: "editor@example.org", Name: "Elena Editor", Role: dateline.RoleEditor},
		{Email: "reporter@example.org", Name: "Roman Reporter", Role: dateline.RoleReporter},
	} {
		u.PasswordHash, u.CreatedAt = hash, time.Now().UTC()
		if err := store.CreateUser(ctx, &u, time.Now()); err != nil {
			return err
		}
		emails = append(emails, u.Email)
	}
	log.Info("demo newsroom accounts made (the password is in the README)", "emails", strings.Join(emails, ", "))
	return demoClient(ctx, store, hash, log)
}

// demoClient makes a client of the demo's wire, with two products and a
// portal account of the same password, so the portal (/wire/) can be
// tried at once.
func demoClient(ctx context.Context, store dateline.Store, hash string, log *slog.Logger) error {
	now := time.Now()
	c := &dateline.Client{Name: "Demo Bank", SeatLimit: 5}
	if err := store.CreateClient(ctx, c, now); err != nil {
		return err
	}
	for _, p := range []*dateline.Product{
		{Name: "Politics and world", Sections: []string{"politics", "world"}},
		{Name: "Economy, with embargoed copy", Sections: []string{"economy"}, Embargoed: true},
	} {
		if err := store.CreateProduct(ctx, p, now); err != nil {
			return err
		}
		if err := store.SetClientProduct(ctx, dateline.ClientProduct{ClientID: c.ID, ProductID: p.ID}); err != nil {
			return err
		}
	}
	u := &dateline.ClientUser{ClientID: c.ID, Email: "client@example.org", Name: "Clara Client", Role: dateline.ClientAdmin, PasswordHash: hash}
	if err := store.CreateClientUser(ctx, u, now); err != nil {
		return err
	}
	log.Info("demo client made: sign in at /wire/ (the password is in the README)", "email", u.Email)
	return nil
}

// renderLimit is --render-limit as the server takes it: 0 turns the limit
// off, which the server's Config says with a negative number.
func renderLimit(perSecond float64) float64 {
	if perSecond <= 0 {
		return -1
	}
	return perSecond
}
