#!/bin/bash
# Records the .NET runtime's counters (System.Runtime: CPU, GC, allocation, JIT, thread pool, lock contention) of each
# role of the load harness's pipeline phase, every second from the moment its fetcher starts, for SECONDS, with
# dotnet-counters (the local tool of .config/dotnet-tools.json), into OUTDIR/ROLE.csv. Start it, then the harness.
# usage: count-pipeline-roles.sh OUTDIR [SECONDS]
set -euo pipefail
out=$1; seconds=${2:-30}
mkdir -p "$out"
source "$(dirname "$0")/pipeline-roles.sh"
cd "$(dirname "$0")/../../.."
dotnet tool restore > /dev/null
wait_for_pipeline_roles
for pid in "${!roles[@]}"; do
  dotnet tool run dotnet-counters -- collect -p "$pid" --counters System.Runtime --format csv \
    --duration "00:00:00:$seconds" -o "$out/${roles[$pid]}.csv" > "$out/${roles[$pid]}.log" 2>&1 &
done
wait
