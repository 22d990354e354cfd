#!/usr/bin/env bash
# `make test-dates`: the date-sensitive tiers (pages, browser, API, reports, views, goals, the
# CLI's relative dates, edits) with the machine's clock moved by libfaketime to each date of
# scripts/dates/matrix.py, each in three time zones. Needs what `make test` installed (.venv,
# chromium) and Debian's `faketime`.
#
#   scripts/test-dates.sh               every run of the matrix (33), a summary at the end
#   scripts/test-dates.sh --seed N      the one run that seed N picks (CI: one besides today)
#   scripts/test-dates.sh --only NAME   the three runs of one date
# Extra arguments after `--` go to pytest. Replay a failure with the line it prints.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export DESKMETER_ARTIFACTS=${DESKMETER_ARTIFACTS:-$ROOT/artifacts}
log() { printf '==> %s\n' "$*" >&2; }

TIERS=(
  tests/web/test_browser.py tests/web/test_pages.py tests/web/test_api.py tests/web/test_views.py
  tests/web/test_hosts.py tests/web/test_away_in_views.py tests/web/test_day_totals.py
  tests/web/test_day_start_totals.py tests/web/test_modes_and_security.py
  tests/web/test_cell_contrast.py tests/edits tests/unit/test_report_cmd.py
  tests/unit/test_dates.py tests/unit/test_cli_export.py tests/trust tests/web/test_trust_browser.py
)
seed="" only=""
while (($#)); do
  case $1 in
    --seed) seed=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--seed N | --only NAME] [-- PYTEST-ARGS]" >&2; exit 2 ;;
  esac
done
if ! command -v faketime >/dev/null 2>&1; then
  if [[ $(id -u) -eq 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends faketime >/dev/null
  else
    echo "test-dates: needs Debian's faketime (apt-get install faketime)" >&2; exit 2
  fi
fi
PY=${PYTHON_VENV:-$ROOT/.venv/bin/python}
if [[ -n $seed ]]; then
  mapfile -t RUNS < <(python3 scripts/dates/matrix.py --pick "$seed")
  log "test-dates: seed $seed picks: ${RUNS[0]} (replay: scripts/test-dates.sh --seed $seed)"
else
  mapfile -t RUNS < <(python3 scripts/dates/matrix.py | { [[ -n $only ]] && grep "^$only " || cat; })
fi
((${#RUNS[@]})) || { echo "test-dates: no run matches" >&2; exit 2; }
failed=() passed=0
for run in "${RUNS[@]}"; do
  read -r name instant zone <<<"$run"
  epoch=$(python3 -c 'import sys, datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1]).timestamp()))' "$instant")
  log "test-dates: $name at $instant, TZ=$zone"
  # only the wall clock moves (see scripts/dates/sitecustomize.py for why, and its workaround)
  if TZ=$zone DESKMETER_TEST_NOW=$instant FAKETIME_FMT=%s FAKETIME_DONT_FAKE_MONOTONIC=1 \
    PYTHONPATH=$ROOT/scripts/dates${PYTHONPATH:+:$PYTHONPATH} \
    faketime -f "@$epoch" "$PY" -m pytest -q -p no:cacheprovider \
    --junitxml="$DESKMETER_ARTIFACTS/junit-dates-$name-${zone//\//-}.xml" "${TIERS[@]}" "$@"; then
    passed=$((passed + 1))
  else
    failed+=("$name TZ=$zone (replay: scripts/test-dates.sh --only $name)")
  fi
done
log "test-dates: ${#RUNS[@]} runs, $passed passed, ${#failed[@]} failed"
for f in "${failed[@]}"; do log "  failed: $f"; done
((${#failed[@]} == 0))
