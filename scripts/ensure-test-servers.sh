#!/usr/bin/env bash
# The runtime's tests start real Redis and PostgreSQL servers from the system packages (no mocks).
# Run before `npm test` (as its `pretest`): installs them with apt-get when they are missing and we
# may (root or passwordless sudo); otherwise says exactly what to install.
set -euo pipefail

have_redis() { command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]; }
have_postgres() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }

missing=()
have_redis || missing+=(redis-server)
have_postgres || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif sudo -n true 2>/dev/null; then
  SUDO=(sudo -n)
else
  echo "The runtime tests need ${missing[*]} (Debian/Ubuntu: sudo apt-get install -y ${missing[*]})." >&2
  exit 1
fi

echo "pretest: installing ${missing[*]} for the runtime's tests" >&2
export DEBIAN_FRONTEND=noninteractive
# Package lists may be absent on a fresh machine: update once if the first attempt fails.
"${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
  { "${SUDO[@]}" apt-get update -q >/dev/null && "${SUDO[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
# The Debian packages start services where an init system runs; the tests start their own servers.
have_redis && have_postgres
