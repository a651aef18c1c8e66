#!/usr/bin/env bash
# The test command: builds the solution in Release (warnings are errors) and runs every test project.
# Everything it calls is installed when missing (ops/test-deps.sh: rabbitmq-server for the private nodes the integration
# and fault tests start, promtool and prometheus, docker-compose, kubectl, python3-yaml for check-ops; chromium and chromium-driver for the console's browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

bash ops/test-deps.sh

bash ops/check-ops.sh # compose, Prometheus rules, dashboards, Kubernetes overlays (installs promtool when missing)
dotnet build Workers.sln -c Release -nologo -v quiet

# No package with a known vulnerability, direct or transitive (as far as the configured NuGet source reports).
vulnerable=$(dotnet list Workers.sln package --vulnerable --include-transitive 2>&1)
if grep -q "has the following vulnerable packages" <<<"$vulnerable"; then
  echo "$vulnerable"
  echo "ops/test.sh: vulnerable packages (above): update them in Directory.Packages.props"
  exit 1
fi
log=$(mktemp)
status=0
# The fault suite's ledger lines (docs/reliability.md), printed together at the end.
export WIREWATCH_FAULT_REPORT="${WIREWATCH_FAULT_REPORT:-$(mktemp)}"
dotnet test Workers.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$log" || status=$?
if [ -s "$WIREWATCH_FAULT_REPORT" ]; then
  echo "ops/test.sh: fault suite ledger ($WIREWATCH_FAULT_REPORT):"
  grep -a 'fault=' "$WIREWATCH_FAULT_REPORT" | sed 's/^[^f]*fault=/fault=/' || true
fi

# One closing line for CI: "N passed, N failed, N skipped".
awk '/(Passed|Failed)! +- +Failed: /{
  for (i = 1; i <= NF; i++) { gsub(",", "", $(i+1)); if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
} END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
rm -f "$log"
exit $status
