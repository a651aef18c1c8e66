#!/bin/bash
# Records the .NET runtime's counters (System.Runtime: CPU, GC, allocation, JIT, thread pool, lock contention) of each
# role of the load harness's pipeline phase, every second from the moment its fetcher starts, for SECONDS, with
# dotnet-counters (the local tool of .config/dotnet-tools.json), into OUTDIR/ROLE.csv. Start it, then the harness.
# usage: count-pipeline-roles.sh OUTDIR [SECONDS]
set -euo pipefail
out=$1; seconds=${2:-30}
mkdir -p "$out"
cd "$(dirname "$0")/../../.."
dotnet tool restore > /dev/null
declare -A roles
deadline=$((SECONDS + 1800))
while [ $SECONDS -lt $deadline ]; do
  for pid in $(pgrep -f "wirewatch.dll run" || true); do
    [ -n "${roles[$pid]:-}" ] && continue
    environment=$(tr '\0' '\n' < /proc/$pid/environ 2>/dev/null || true)
    case "$(sed -n 's/^Wirewatch__RabbitMq__VirtualHost=//p' <<< "$environment")" in pipe*) ;; *) continue;; esac
    roles[$pid]=$(sed -n 's/^Wirewatch__Roles=//p' <<< "$environment")
  done
  if [[ " ${roles[*]:-} " == *" fetcher "* ]]; then
    for pid in "${!roles[@]}"; do
      dotnet tool run dotnet-counters -- collect -p "$pid" --counters System.Runtime --format csv \
        --duration "00:00:00:$seconds" -o "$out/${roles[$pid]}.csv" > "$out/${roles[$pid]}.log" 2>&1 &
    done
    wait
    exit 0
  fi
  sleep 0.1
done
echo "no pipeline phase seen" >&2
exit 1
