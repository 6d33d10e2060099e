#!/usr/bin/env bash
# Regenerates the CRDs from the entity types in src/PveOperator/Entities (tests fail when any copy is stale):
#   config/crds               as shipped, with the CEL rules (x-kubernetes-validations); copied into the chart's crds/
#   config/crds-without-cel   the same without the CEL rules, for servers older than 1.25 (the 1.20 test tier),
#                             whose kubectl and Helm refuse CRDs that carry them
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet run --project "$root/src/PveOperator" -- generate-crds "$root/config/crds" "$root/config/crds-without-cel"
rm -f "$root"/charts/pve-operator/crds/*.yaml
cp "$root"/config/crds/*.yaml "$root/charts/pve-operator/crds/"
echo "copied config/crds/*.yaml to charts/pve-operator/crds/"
