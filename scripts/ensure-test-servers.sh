#!/usr/bin/env bash
# The tests start real Redis and PostgreSQL servers from the system packages (no mocks), and open the
# analytics report in a real headless Chromium (test/tools/analytics-report.test.ts).
# Run before `npm test` (as its `pretest`): installs them with apt-get when they are missing and we
# may (root or passwordless sudo); otherwise says exactly what to install.
set -euo pipefail

have_redis() { command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
# The report test launches /usr/bin/chromium (Debian's package) through puppeteer-core.
have_chromium() { [ -x /usr/bin/chromium ]; }

missing=()
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)
have_chromium || missing+=(chromium)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "The tests need ${missing[*]} (Debian/Ubuntu: sudo apt-get install -y ${missing[*]})." >&2
  exit 1
fi

echo "pretest: installing ${missing[*]} for the tests" >&2
export DEBIAN_FRONTEND=noninteractive
# Package lists may be absent on a fresh machine: update once if the first attempt fails.
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { "${SUDO[@]}" apt-get update -q >/dev/null && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
# The Debian packages start services where an init system runs; the tests start their own servers.
have_redis && have_postgres && have_chromium
