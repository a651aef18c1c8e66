#!/usr/bin/env bash
# Shows that the runbook links of ops/prometheus/alerts.yml follow the Prometheus server's external label
# wirewatch_runbook_url, as an operator sets it (promtool 2.42 cannot set external labels in a rule test, so this runs
# Debian's real prometheus; ops/check-ops.sh calls it, a few seconds):
#   a private prometheus on loopback (own port, own data folder) loads alerts.yml with
#   global.external_labels.wirewatch_runbook_url set, scrapes a static page saying the classifier's queue has no
#   consumer, and the script waits (with a deadline) for WirewatchQueueWithoutConsumers to be pending, then compares
#   its runbook_url annotation with <base>#wirewatchqueuewithoutconsumers.
set -euo pipefail
cd "$(dirname "$0")/../.."

base="https://runbooks.example.org/wirewatch/runbook.html"
expected="$base#wirewatchqueuewithoutconsumers"
python=/usr/bin/python3

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { $python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
target_port=$(free_port)
prometheus_port=$(free_port)

# The scraped page: RabbitMQ's per-queue series for a classifier queue without consumers.
mkdir -p "$work/site"
cat >"$work/site/metrics" <<'METRICS'
# TYPE rabbitmq_queue_consumers gauge
rabbitmq_queue_consumers{vhost="/",queue="wirewatch-classifier"} 0
METRICS
$python -m http.server "$target_port" --bind 127.0.0.1 --directory "$work/site" >"$work/site.log" 2>&1 &
pids+=($!)

cp ops/prometheus/alerts.yml "$work/alerts.yml"
cat >"$work/prometheus.yml" <<CONFIG
global:
  scrape_interval: 1s
  evaluation_interval: 1s
  external_labels:
    wirewatch_runbook_url: $base
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: rabbitmq
    static_configs:
      - targets: ["127.0.0.1:$target_port"]
CONFIG
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)

# Pending is enough: Prometheus expands a rule's annotations on every evaluation, before its `for` has passed.
if ! found=$($python - "$prometheus_port" <<'PY'
import json, sys, time, urllib.request
deadline = time.monotonic() + 60
last = "no answer"
while time.monotonic() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/api/v1/alerts", timeout=2) as r:
            alerts = json.load(r)["data"]["alerts"]
        mine = [a for a in alerts if a["labels"].get("alertname") == "WirewatchQueueWithoutConsumers"]
        if mine:
            print(mine[0]["annotations"].get("runbook_url", ""))
            sys.exit(0)
        last = f"{len(alerts)} alert(s), none WirewatchQueueWithoutConsumers"
    except OSError as e:
        last = str(e)
    time.sleep(0.5)
sys.exit(f"no WirewatchQueueWithoutConsumers alert within 60 s ({last})")
PY
); then
  tail -n 20 "$work/prometheus.log" >&2
  exit 1
fi

if [ "$found" != "$expected" ]; then
  echo "  ops/prometheus/alerts.yml: with external label wirewatch_runbook_url=$base the runbook_url is '$found', expected '$expected'" >&2
  exit 1
fi
echo "  runbook_url follows the external label: $found"
