#!/usr/bin/env bash
# Regenerates config/crds from the entity types in src/PveOperator/Entities, and copies them into the
# Helm chart's crds/ (tests fail when either copy is stale).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet run --project "$root/src/PveOperator" -- generate-crds "$root/config/crds"
rm -f "$root"/charts/pve-operator/crds/*.yaml
cp "$root"/config/crds/*.yaml "$root/charts/pve-operator/crds/"
echo "copied config/crds/*.yaml to charts/pve-operator/crds/"
