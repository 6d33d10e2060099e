#!/usr/bin/env bash
# The performance benchmark (issue 5): cold convergence, API economy at steady state, reaction latency,
# footprint and scaling, against a real kube-apiserver + etcd, the PVE simulator and the operator's
# Release build running as its own process, every container carrying a full configuration spec (issue 11); the
# lifecycle scenario (issue 10): N containers created from a template and destroyed again, against the simulator's
# task and storage-lock capacity; and the config scenario (issue 11): spec.resources.memory changed on N containers
# until all are Synced again, against the simulator's per-node request slots.
#
#   bash bench/run.sh --quick   N=100 for all three, short windows, about 7 minutes (CI runs this from hack/test.sh)
#   bash bench/run.sh --full    power N=100, 1000, 3000 and 10,000 (10 providers; again in a 128 MiB cgroup) on the NativeAOT publish, minutes of steady state, lifecycle
#                               N=1000, config N=100; writes docs/benchmarks.md (about 90 min)
#   bash bench/run.sh --quick --only config   one scenario (power, lifecycle or config), report in .run/bench/
#
# Extra arguments go to the bench program (e.g. --sizes 100,1000, --spec minimal, --config-reconciles default,8 or
# --output FILE). Prints one table per scenario; the report goes to docs/benchmarks.md (full) or
# .run/bench/benchmarks-quick.md (quick). Logs: .run/bench/.
# Exits non-zero only when the benchmark itself breaks, never for a missed target.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode=--quick
args=()
for arg in "$@"; do
  case $arg in
    --quick | --full) mode=$arg ;;
    *) args+=("$arg") ;;
  esac
done

bash hack/install-tools.sh >/dev/null
# The solution build covers the operator and the bench (incremental: quick when hack/test.sh built it already).
dotnet build PveOperator.sln -c Release --nologo -v quiet
# The full run measures what the image ships, the NativeAOT publish (about 5 minutes to compile on 2 cores); the quick
# run, which CI affords, the JIT build. --operator PATH measures another build (a .dll runs with dotnet).
if [[ $mode == --full && " ${args[*]} " != *" --operator "* ]]; then
  aot="$root/.run/bench/aot"
  dotnet publish src/PveOperator -c Release -r linux-x64 -p:PublishAot=true --nologo -v quiet -o "$aot"
  args+=(--operator "$aot/PveOperator")
fi
exec dotnet bench/PveOperator.Bench/bin/Release/net10.0/PveOperator.Bench.dll "$mode" --repo "$root" "${args[@]}"
