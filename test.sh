#!/usr/bin/env bash
# Runs the whole dateline test suite on a fresh machine: installs what the
# browser tests need (Debian's chromium, axe-core from npm), then vets and
# tests every package. With CI=true every suite is mandatory: a missing
# browser or package fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '== %s\n' "$*"; }

if ! command -v chromium >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing chromium (Debian package)"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
	else
		say "chromium is not installed and cannot be installed here; browser tests will skip unless CI=true"
	fi
fi

# xmllint validates NewsML-G2 and sitemaps against their XML schemas.
if ! command -v xmllint >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing xmllint (Debian package libxml2-utils)"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libxml2-utils >/dev/null
	else
		say "xmllint is not installed and cannot be installed here; schema tests will skip unless CI=true"
	fi
fi

# promtool checks docs/prometheus-rules.yml (metrics.TestPromtool). It is
# taken out of Debian's prometheus package, which is not installed: no
# Prometheus server is started on the machine.
PROMTOOL_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dateline/promtool"
if [ -z "${DATELINE_PROMTOOL:-}" ] && [ ! -x "$PROMTOOL_CACHE/promtool" ]; then
	if command -v promtool >/dev/null 2>&1; then
		export DATELINE_PROMTOOL="$(command -v promtool)"
	elif command -v apt-get >/dev/null 2>&1 && command -v dpkg-deb >/dev/null 2>&1; then
		say "taking promtool from Debian's prometheus package"
		pt_tmp=$(mktemp -d)
		if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null; fi
		(cd "$pt_tmp" && apt-get download -qq prometheus >/dev/null 2>&1) || true
		if ls "$pt_tmp"/prometheus_*.deb >/dev/null 2>&1; then
			dpkg-deb -x "$pt_tmp"/prometheus_*.deb "$pt_tmp/x"
			mkdir -p "$PROMTOOL_CACHE"
			cp "$pt_tmp/x/usr/bin/promtool" "$PROMTOOL_CACHE/promtool"
		else
			say "could not download Debian's prometheus package; the promtool check will skip unless CI=true"
		fi
		rm -rf "$pt_tmp"
	fi
fi
if [ -z "${DATELINE_PROMTOOL:-}" ] && [ -x "$PROMTOOL_CACHE/promtool" ]; then
	export DATELINE_PROMTOOL="$PROMTOOL_CACHE/promtool"
fi

# java runs the Nu Html Checker (vnu-jar from npm) over the pages.
if ! command -v java >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		say "installing java (Debian package default-jre-headless)"
		apt-get update -qq >/dev/null
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
	else
		say "java is not installed and cannot be installed here; the HTML checker will skip unless CI=true"
	fi
fi

if [ ! -f e2e/node_modules/axe-core/axe.min.js ] || [ ! -f e2e/node_modules/vnu-jar/build/dist/vnu.jar ]; then
	if command -v npm >/dev/null 2>&1; then
		say "installing axe-core and vnu-jar (npm)"
		(cd e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	else
		say "npm is not installed; accessibility checks will skip unless CI=true"
	fi
fi

# PostgreSQL: the storage suite and the HTTP and cluster tests run on it
# too. Start the local server if it is installed but stopped.
export DATELINE_TEST_POSTGRES="${DATELINE_TEST_POSTGRES:-postgres://127.0.0.1:5432/test?sslmode=disable}"
if command -v pg_lsclusters >/dev/null 2>&1 && ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
	say "starting PostgreSQL"
	for v in $(ls /etc/postgresql 2>/dev/null); do
		pg_ctlcluster --skip-systemctl-redirect "$v" main start || true
	done
	for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# SeaweedFS: the S3 tests (media/s3media, http, cmd/dateline, e2e) run a
# real S3-compatible store, "weed server" on loopback (internal/weedtest),
# about 11 s to start per package. go install refuses SeaweedFS's module
# (it has replace directives), so its module folder is copied and built
# here once; the first build takes tens of minutes, later runs reuse the
# binary in the cache.
WEED_VERSION=v0.0.0-20261109003541-7506e5f91cd6
WEED_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dateline/seaweedfs-${WEED_VERSION##*-}"
if [ -z "${DATELINE_WEED:-}" ] && [ ! -x "$WEED_CACHE/weed" ]; then
	say "building SeaweedFS's weed $WEED_VERSION into $WEED_CACHE (once; it takes long)"
	weed_tmp=$(mktemp -d)
	# Outside this module, so that go.sum is left alone.
	weed_src=$(cd "$weed_tmp" && go mod download -json "github.com/seaweedfs/seaweedfs@$WEED_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
	[ -n "$weed_src" ] || { echo "go mod download found no SeaweedFS $WEED_VERSION" >&2; exit 1; }
	cp -R "$weed_src/." "$weed_tmp"
	chmod -R u+w "$weed_tmp"
	mkdir -p "$WEED_CACHE"
	(cd "$weed_tmp" && go build -trimpath -ldflags "-s -w" -o "$WEED_CACHE/weed.partial" ./weed)
	mv "$WEED_CACHE/weed.partial" "$WEED_CACHE/weed"
	rm -rf "$weed_tmp"
fi
export DATELINE_WEED="${DATELINE_WEED:-$WEED_CACHE/weed}"

# Mailpit: the email tests (mail, http, cmd/dateline) send to a real SMTP
# server on loopback that keeps what it receives and shows it through its
# HTTP API (internal/mailpittest). go install builds it into the cache
# once (1.5 to 3 minutes on 2 shared cores); later runs reuse it.
MAILPIT_VERSION=v1.33.1
MAILPIT_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/dateline/mailpit-$MAILPIT_VERSION"
if [ -z "${DATELINE_MAILPIT:-}" ] && [ ! -x "$MAILPIT_CACHE/mailpit" ]; then
	say "building Mailpit $MAILPIT_VERSION into $MAILPIT_CACHE (once)"
	mkdir -p "$MAILPIT_CACHE"
	# Outside this module, so that go.mod and go.sum are left alone.
	(cd "$MAILPIT_CACHE" && GOBIN="$MAILPIT_CACHE" go install -trimpath -ldflags "-s -w" "github.com/axllent/mailpit@$MAILPIT_VERSION")
fi
export DATELINE_MAILPIT="${DATELINE_MAILPIT:-$MAILPIT_CACHE/mailpit}"

export DATELINE_CHROMIUM="${DATELINE_CHROMIUM:-$(command -v chromium || true)}"
export DATELINE_AXE="${DATELINE_AXE:-$PWD/e2e/node_modules/axe-core/axe.min.js}"

say "gofmt and go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './e2e/node_modules/*'))
if [ -n "$unformatted" ]; then
	printf 'gofmt would change:\n%s\n' "$unformatted" >&2
	exit 1
fi
go vet ./...
say "go test (SQLite, and PostgreSQL for the storage suite and the cluster)"
go test -count=1 -timeout 15m "$@" ./...
say "fuzzing the whole router for 20 s (never a 5xx, never a panic)"
go test -run '^$' -fuzz '^FuzzRouter$' -fuzztime 20s ./http
say "fuzzing the client portal for 5 s (filters, item ids, zip selections: never a 5xx, never an item outside the products)"
go test -run '^$' -fuzz '^FuzzPortal$' -fuzztime 5s ./http
say "fuzzing the wire's version order for 5 s"
go test -run '^$' -fuzz '^FuzzCompareVersions$' -fuzztime 5s .
say "fuzzing the client entitlement rule for 5 s (Covers against its long-hand spec)"
go test -run '^$' -fuzz '^FuzzCovers$' -fuzztime 5s .
say "fuzzing Superdesk's dialect and signature check for 5 s each"
go test -run '^$' -fuzz '^FuzzDialect$' -fuzztime 5s ./superdesk
go test -run '^$' -fuzz '^FuzzSignature$' -fuzztime 5s ./superdesk
say "fuzzing the backup archive reader for 5 s (never a panic, nothing written outside its folder)"
go test -run '^$' -fuzz '^FuzzReadArchive$' -fuzztime 5s ./backup
say "fuzzing the unsubscribe token parser for 5 s (never a panic, nothing read that was not signed)"
go test -run '^$' -fuzz '^FuzzParseToken$' -fuzztime 5s ./mail
say "fuzzing the subscription form's address check for 5 s (never a panic, nothing accepted that is not one plain address)"
go test -run '^$' -fuzz '^FuzzCheckAddress$' -fuzztime 5s ./newsletter
say "go test on PostgreSQL (HTTP and command tests)"
DATELINE_TEST_ENGINE=postgres go test -count=1 -timeout 10m "$@" ./http ./cmd/dateline
