#!/usr/bin/env bash
# `npm test`: installs what is missing, brings up the real local stack, then runs every suite in order —
# unit, stack lifecycle, integration (the edge in real workerd), browser (Chromium) — and closes with one summary line.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh || exit 1

if [ ! -x /usr/bin/chromium ] || ! command -v ffmpeg >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    echo "test: installing chromium and ffmpeg from apt (browser tests need them)" >&2
    (apt-get update -qq && apt-get install -y -qq chromium ffmpeg) >/dev/null || { echo "apt-get install failed" >&2; exit 1; }
  else
    echo "test: browser tests need Debian's chromium and ffmpeg: sudo apt-get install chromium ffmpeg" >&2
    exit 1
  fi
fi

mkdir -p test-output
node infra/stack/up.ts || { echo "test: the local stack did not come up (see the messages above)" >&2; exit 1; }

passed=0 failed=0 status=0
run_suite() {
  local name=$1; shift
  local report="test-output/vitest-$name.json"
  rm -f "$report"
  echo "=== suite: $name" >&2
  # One JUnit file per suite (CI keeps them all); the JSON report is where the totals below come from.
  npx vitest run "$@" --reporter=default --reporter=json --outputFile.json="$report" \
    --reporter=junit --outputFile.junit="test-output/junit-$name.xml"
  local rc=$?
  if [ -f "$report" ]; then
    read -r p f < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTests ?? 0))' "$report")
    passed=$((passed + p)); failed=$((failed + f))
  fi
  [ "$rc" -eq 0 ] || { status=1; [ -f "$report" ] || failed=$((failed + 1)); }
}

# Asks git for the pathspec itself: `grep -q` stops reading at its first match, so under pipefail a pipe into it
# fails whenever git is still writing (SIGPIPE) and a whole suite would be skipped.
has_files() { [ -n "$(git ls-files --cached --others --exclude-standard -- "$1")" ]; }

run_suite unit --project unit
has_files '*.stack.test.ts' && run_suite stack --project stack
has_files '*.integration.test.ts' && run_suite integration --project integration
has_files '*.browser.test.ts' && run_suite browser --project browser

echo "$passed passed, $failed failed"
exit $status
