#!/usr/bin/env bash
# The browser tests' stability proof: ten consecutive runs of tests/browser while a second copy
# of the whole suite runs beside them (on two cores, the busiest the machine gets in CI).
#   bash tests/browser/stress.sh [checkout]   (default: this checkout; run `make test` first)
# Prints one line per run and "browser runs failed: N of 10"; exits non-zero if any failed.
set -u
cd "${1:-$(dirname "$0")/../..}" || exit 2
logs=$(mktemp -d)
export SPACEMATCH_TEST_POSTGIS_URL=${SPACEMATCH_TEST_POSTGIS_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/spacematch_test}
( while [ ! -f "$logs/done" ]; do
    .venv/bin/python -m pytest -q -p no:cacheprovider -x > "$logs/beside.log" 2>&1 \
      || cp "$logs/beside.log" "$logs/beside-failed-$(date +%s).log"
  done ) &
beside=$!
fails=0
for i in $(seq 1 10); do
  if .venv/bin/python -m pytest tests/browser -q -p no:cacheprovider > "$logs/run-$i.log" 2>&1
  then r=pass; else r=FAIL; fails=$((fails + 1)); fi
  echo "run $i: $r $(tail -n 1 "$logs/run-$i.log")"
done
touch "$logs/done"; wait "$beside"
echo "suite beside them failed $(ls "$logs"/beside-failed-* 2>/dev/null | wc -l) time(s); logs in $logs"
echo "browser runs failed: $fails of 10"
[ "$fails" = 0 ]
