#!/bin/bash
# Samples each role of the load harness's pipeline phase with dotnet-trace (the local tool of .config/dotnet-tools.json),
# from the moment its fetcher starts, for SECONDS, and writes ROLE.nettrace and ROLE.speedscope.json into OUTDIR.
# Start it, then the harness (e.g. `pipeline --quick --articles 2000`) in another shell; then
# `cpu_samples.py OUTDIR/ROLE.speedscope.json` says where each role's CPU went.
# usage: trace-pipeline-roles.sh OUTDIR [SECONDS]
set -euo pipefail
out=$1; seconds=${2:-20}
mkdir -p "$out"
source "$(dirname "$0")/pipeline-roles.sh"
cd "$(dirname "$0")/../../.."
dotnet tool restore > /dev/null
wait_for_pipeline_roles
for pid in "${!roles[@]}"; do
  echo "tracing ${roles[$pid]} ($pid) for $seconds s"
  dotnet tool run dotnet-trace -- collect -p "$pid" --profile dotnet-sampled-thread-time \
    --duration "00:00:00:$seconds" -o "$out/${roles[$pid]}.nettrace" > "$out/${roles[$pid]}.log" 2>&1 &
done
wait
for role in "${roles[@]}"; do
  dotnet tool run dotnet-trace -- convert --format speedscope "$out/$role.nettrace" -o "$out/$role" > /dev/null # writes $out/$role.speedscope.json
done
