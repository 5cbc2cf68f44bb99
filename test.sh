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

if [ ! -f e2e/node_modules/axe-core/axe.min.js ]; then
	if command -v npm >/dev/null 2>&1; then
		say "installing axe-core (npm)"
		(cd e2e && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
	else
		say "npm is not installed; accessibility checks will skip unless CI=true"
	fi
fi

export DATELINE_CHROMIUM="${DATELINE_CHROMIUM:-$(command -v chromium || true)}"
export DATELINE_AXE="${DATELINE_AXE:-$PWD/e2e/node_modules/axe-core/axe.min.js}"

say "go vet"
go vet ./...
say "go test"
go test -count=1 -timeout 15m "$@" ./...
