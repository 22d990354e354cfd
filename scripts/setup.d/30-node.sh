# Sourced by scripts/test.sh: ESLint for the GNOME extension (package.json at the repo root).
# Installs Node.js/npm from apt when they are missing and this runs as root, then `npm ci` when
# node_modules is absent or older than package-lock.json. Without npm the ESLint test fails and
# says so; everything else still runs.
if ! command -v npm >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
  log "installing nodejs and npm (for ESLint)"
  apt-get update -qq || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null \
    || log "could not install nodejs/npm: the ESLint test will fail"
fi
if command -v npm >/dev/null 2>&1; then
  if [[ ! -x node_modules/.bin/eslint || package-lock.json -nt node_modules/.package-lock.json ]]; then
    log "npm ci (ESLint)"
    npm ci --no-audit --no-fund --loglevel=error || log "npm ci failed: the ESLint test will fail"
  fi
else
  log "npm not found: the ESLint test will fail (install nodejs and npm)"
fi
