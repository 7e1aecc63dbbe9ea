#!/usr/bin/env bash
# Make sure Debian's Chromium is there for the browser tests (tests/e2e).
# Playwright for Python comes from requirements.lock and drives this Chromium;
# `playwright install` (which downloads its own browser) is never used.
# As root on Debian the package is installed; otherwise the script says how to
# get it: in CI (env CI set) that is an error, elsewhere the browser tests skip.
set -euo pipefail
CHROMIUM="${PSP_E2E_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$CHROMIUM" = /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests (tests/e2e)..."
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  [ -x "$CHROMIUM" ] && exit 0
  echo "apt-get install chromium finished but $CHROMIUM is still missing." >&2
  exit 1
fi
echo "Chromium is missing at $CHROMIUM: the browser tests (tests/e2e) cannot run." >&2
echo "Install it first, e.g.: sudo apt-get install chromium" >&2
echo "(or point PSP_E2E_CHROMIUM at another Chromium binary)." >&2
if [ -n "${CI:-}" ]; then
  exit 1
fi
echo "Outside CI the browser tests will be skipped." >&2
