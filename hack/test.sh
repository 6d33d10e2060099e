#!/usr/bin/env bash
# Runs every test: unit tests, client-against-simulator tests and integration tests on a real
# kube-apiserver + etcd (installed and cached by hack/install-tools.sh), then the benchmark's quick mode
# (bench/run.sh --quick, counted as one test). Ends with "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

bash hack/install-tools.sh

results="$root/.run/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
dotnet build PveOperator.sln -c Release --nologo -v quiet || status=$?
if [[ $status -eq 0 ]]; then
  dotnet test PveOperator.sln -c Release --no-build --nologo \
    --logger "trx" --logger "console;verbosity=normal" \
    --results-directory "$results" ${PVE_OPERATOR_TEST_FILTER:+--filter "$PVE_OPERATOR_TEST_FILTER"} || status=$?
fi

# The benchmark's quick mode, so that it cannot rot: one more test, failed only when the benchmark itself breaks.
bench=skipped
if [[ -z ${PVE_OPERATOR_TEST_FILTER:-} ]]; then
  bench=passed
  bash bench/run.sh --quick || { bench=failed; status=1; }
fi

passed=0
failed=0
[[ $bench == passed ]] && passed=1
[[ $bench == failed ]] && failed=1
shopt -s nullglob
for trx in "$results"/*.trx; do
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [[ $status -ne 0 && $failed -eq 0 ]]; then
  # The build failed or a test host crashed before writing results: count that as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
exit "$status"
