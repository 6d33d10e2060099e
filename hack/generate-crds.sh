#!/usr/bin/env bash
# Regenerates config/crds from the entity types in src/PveOperator/Entities.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet run --project "$root/src/PveOperator" -- generate-crds "$root/config/crds"
