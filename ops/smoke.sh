#!/usr/bin/env bash
# Smoke test of what the image runs, without a container engine:
#   1. restores and publishes with docker/Dockerfile's own `dotnet restore` / `dotnet publish` lines (ARG defaults
#      substituted, /app replaced by a scratch folder), then makes the published folder read-only;
#   2. starts a private RabbitMQ node (own node name, free ports, own Erlang cookie, all under a scratch folder) and
#      gives it a user with a random password;
#   3. starts the four roles as four processes, each with exactly the runtime stage's ENV lines (plus the base image's
#      own), the role and broker variables a deployment sets, /data mapped to a folder of its own, port 8080 mapped to
#      a free port, and an unprivileged user with an unwritable HOME (as a read-only root file system would);
#   4. waits for every role's /health/ready through `wirewatch health` (the image's HEALTHCHECK), drops an article of
#      our own writing into the fetcher's inbox folder source, and waits for the alerter's alert log line;
#   5. checks: logs are JSON lines with a TraceId, the fetch and the alert share one trace across processes, the
#      broker password appears in no log, no message sits in an _error queue, nothing was written outside /data;
#   6. stops every role with SIGTERM (timing the graceful stop), then the broker. Prints the figures.
# Usage: ops/smoke.sh [--keep]   (--keep leaves the scratch folder for inspection). Run as root (or with sudo rights):
# it installs rabbitmq-server when missing and runs the roles as `nobody`. Not part of CI: about a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
keep=${1:-}

RABBIT_BIN=/usr/lib/rabbitmq/bin
work=$(mktemp -d /tmp/wirewatch-smoke-XXXXXX)
chmod 755 "$work"
pids=()
rabbit_pid=""
epmd_port=""

say() { printf 'smoke: %s\n' "$*"; }
fail() { printf 'smoke: FAILED: %s\n' "$*" >&2; exit 1; }
now_ms() { date +%s%3N; }

cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "$rabbit_pid" ]; then
    rabbitctl stop >/dev/null 2>&1 || kill "$rabbit_pid" 2>/dev/null || true
    wait "$rabbit_pid" 2>/dev/null || true
  fi
  [ -n "$epmd_port" ] && epmd -port "$epmd_port" -kill >/dev/null 2>&1 || true
  if [ "$keep" = "--keep" ]; then say "scratch folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

# --- 1. publish as the Dockerfile does ---------------------------------------------------------------------------
dockerfile=docker/Dockerfile
declare -A args=()
while IFS='=' read -r name value; do args[$name]=$value; done < <(sed -n 's/^ARG \([A-Za-z_]*\)=\(.*\)$/\1=\2/p' "$dockerfile")
# BuildKit sets TARGETARCH from --platform; here it is this machine's architecture (amd64, arm64), as a plain
# `docker build` on it would set it.
args[TARGETARCH]=$(dpkg --print-architecture)
expand() { # substitutes ${ARG} with the Dockerfile's defaults and /app with the scratch folder
  local line=$1 name
  for name in "${!args[@]}"; do line=${line//\$\{$name\}/${args[$name]}}; done
  printf '%s' "${line// \/app/ $work/app}"
}
restore=$(expand "$(sed -n 's/^RUN \(dotnet restore .*\)$/\1/p' "$dockerfile")")
publish=$(expand "$(sed -n 's/^RUN \(dotnet publish .*\)$/\1/p' "$dockerfile")")
[ -n "$restore" ] && [ -n "$publish" ] || fail "no RUN dotnet restore / dotnet publish line in $dockerfile"
say "$restore"
t0=$(now_ms); $restore -nologo -v quiet >/dev/null
say "$publish"
$publish -nologo -v quiet >/dev/null
publish_ms=$(( $(now_ms) - t0 ))
[ -f "$work/app/wirewatch.dll" ] || fail "publish produced no wirewatch.dll"
chmod -R a-w "$work/app"

# The runtime stage's ENV lines, in order (what the image sets), after the base image's own variables.
image_env=(DOTNET_RUNNING_IN_CONTAINER=true ASPNETCORE_HTTP_PORTS=8080 APP_UID=1654)
while IFS= read -r line; do image_env+=("$line"); done < <(awk '/^FROM /{stage=$0} stage ~ /AS runtime/ && /^ENV /{sub(/^ENV /,""); print}' "$dockerfile")
say "image environment: ${image_env[*]}"

# --- 2. a private RabbitMQ node -----------------------------------------------------------------------------------
if [ ! -x "$RABBIT_BIN/rabbitmq-server" ]; then
  say "installing rabbitmq-server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
amqp_port=$(free_port); dist_port=$(free_port); epmd_port=$(free_port)
node="wwsmoke-$RANDOM@localhost"
rabbit="$work/rabbitmq"
mkdir -p "$rabbit/mnesia" "$rabbit/log"
echo "[]." >"$rabbit/enabled_plugins"
rabbit_env=(HOME="$rabbit" RABBITMQ_NODENAME="$node" RABBITMQ_NODE_PORT="$amqp_port" RABBITMQ_DIST_PORT="$dist_port"
  ERL_EPMD_PORT="$epmd_port" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_MNESIA_BASE="$rabbit/mnesia"
  RABBITMQ_LOG_BASE="$rabbit/log" RABBITMQ_ENABLED_PLUGINS_FILE="$rabbit/enabled_plugins"
  RABBITMQ_CONFIG_FILE="$rabbit/rabbitmq" RABBITMQ_PID_FILE="$rabbit/pid")
rabbitctl() { env "${rabbit_env[@]}" "$RABBIT_BIN/rabbitmqctl" -n "$node" -q "$@"; }
t0=$(now_ms)
env "${rabbit_env[@]}" "$RABBIT_BIN/rabbitmq-server" >"$rabbit/server.out" 2>&1 &
rabbit_pid=$!
rabbitctl wait "$rabbit/pid" --timeout 90 >/dev/null || { tail -20 "$rabbit/server.out"; fail "RabbitMQ did not start"; }
password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
rabbitctl add_user wirewatch "$password" >/dev/null
rabbitctl set_permissions -p / wirewatch '.*' '.*' '.*' >/dev/null
say "RabbitMQ node $node on 127.0.0.1:$amqp_port up in $(( $(now_ms) - t0 )) ms"

# --- 3. the four roles, as four containers of the one image would run -------------------------------------------
roles=(fetcher cleaner classifier alerter)
declare -A port=() data=() started=()
role_env() { # the environment of one role's "container"
  local role=$1 kv key value
  printf '%s\n' PATH=/usr/bin:/bin HOME=/nonexistent
  for kv in "${image_env[@]}"; do
    key=${kv%%=*}; value=${kv#*=}
    case "$value" in /data|/data/*) value="${data[$role]}${value#/data}" ;; esac
    [ "$key" = Urls ] && value=${value/:8080/:${port[$role]}}
    printf '%s=%s\n' "$key" "$value"
  done
  printf '%s\n' "Wirewatch__Roles=$role" Wirewatch__RabbitMq__Host=127.0.0.1 "Wirewatch__RabbitMq__Port=$amqp_port" \
    Wirewatch__RabbitMq__Username=wirewatch "Wirewatch__RabbitMq__Password=$password"
}
as_container() { # role, command...: becomes `dotnet wirewatch.dll` as the unprivileged user with the role's environment
  local role=$1; shift
  local envs=()
  mapfile -t envs < <(role_env "$role")
  cd "$work/app"
  exec setpriv --reuid=nobody --regid=nogroup --clear-groups env -i "${envs[@]}" dotnet wirewatch.dll "$@"
}

touch "$work/marker"
for role in "${roles[@]}"; do
  port[$role]=$(free_port)
  data[$role]="$work/data-$role"
  mkdir -p "${data[$role]}"
  chown nobody:nogroup "${data[$role]}"
  started[$role]=$(now_ms)
  as_container "$role" run >"$work/$role.log" 2>"$work/$role.err" & # a subshell that becomes the worker: $! is its pid
  pids+=($!)
done

# --- 4. ready, then an article ------------------------------------------------------------------------------------
declare -A ready_ms=()
for role in "${roles[@]}"; do
  deadline=$(( $(date +%s) + 90 ))
  until (as_container "$role" health >"$work/$role.health" 2>&1); do
    [ "$(date +%s)" -lt "$deadline" ] || { cat "$work/$role.health" "$work/$role.err"; tail -5 "$work/$role.log"; fail "$role not ready in 90 s"; }
    sleep 1
  done
  ready_ms[$role]=$(( $(now_ms) - started[$role] ))
  say "$role ready after ${ready_ms[$role]} ms: $(cat "$work/$role.health")"
done

inbox="${data[fetcher]}/inbox"
mkdir -p "$inbox"
article="$repo/src/Wirewatch.Worker/samples/001-sanctions-oil-transfers.txt"
cp "$article" "$inbox/smoke-article.txt"
chown -R nobody:nogroup "$inbox"
dropped=$(now_ms)
say "dropped $(basename "$article") into the fetcher's inbox source (polled every 30 s)"
deadline=$(( $(date +%s) + 120 ))
until grep -q '"Alert ' "$work/alerter.log" 2>/dev/null; do
  [ "$(date +%s)" -lt "$deadline" ] || { tail -5 "$work"/*.log; fail "no alert within 120 s"; }
  sleep 1
done
alert_ms=$(( $(now_ms) - dropped ))
alert_line=$(grep -m1 '"Alert ' "$work/alerter.log")
say "alert after ${alert_ms} ms (includes waiting for the next poll): $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["Message"])' "$alert_line")"

# --- 5. checks ----------------------------------------------------------------------------------------------------
python3 - "$work" <<'PY' || fail "log checks"
import json, sys, glob, os
work = sys.argv[1]
def trace(line):
    for scope in line.get("Scopes", []):
        if isinstance(scope, dict) and scope.get("TraceId"):
            return scope["TraceId"]
lines = {}
for path in sorted(glob.glob(os.path.join(work, "*.log"))):
    role = os.path.basename(path)[:-4]
    rows = [l for l in open(path) if l.strip()]
    parsed = [json.loads(l) for l in rows]  # every stdout line is a JSON object
    lines[role] = parsed
    print(f"smoke:   {role}: {len(parsed)} JSON log lines, {sum(1 for p in parsed if trace(p))} with a TraceId")
fetched = [p for p in lines["fetcher"] if "published" in p.get("Message", "") and "smoke-article" in p.get("Message", "")]
alerted = [p for p in lines["alerter"] if p.get("Message", "").startswith("Alert ")]
assert fetched and alerted, "the fetch and alert log lines"
print(f"smoke:   fetch trace {trace(fetched[0])}, alert trace {trace(alerted[0])}")
assert trace(fetched[0]) and trace(fetched[0]) == trace(alerted[0]), "one trace from the fetcher process to the alerter process"
PY
if grep -rqF "$password" "$work"/*.log "$work"/*.err; then fail "the broker password appears in a log"; fi
say "the broker password appears in no log"
queues=$(rabbitctl list_queues name messages --no-table-headers)
printf '%s\n' "$queues" | sed 's/^/smoke:   queue /'
if printf '%s\n' "$queues" | awk '$1 ~ /_error$/ && $2 > 0 {bad=1} END {exit !bad}'; then fail "messages in an _error queue"; fi
written=$(find "$work/app" -newer "$work/marker" | head -5)
[ -z "$written" ] || fail "written outside /data: $written"
for role in "${roles[@]}"; do
  say "$role wrote under /data: $(cd "${data[$role]}" && find . -mindepth 1 -maxdepth 2 | sort | tr '\n' ' ')"
done

# --- 6. graceful stop ---------------------------------------------------------------------------------------------
for i in "${!roles[@]}"; do
  role=${roles[$i]}
  rss=$(awk '/VmRSS/{print int($2/1024)}' "/proc/${pids[$i]}/status" 2>/dev/null || echo "?")
  t0=$(now_ms)
  kill -TERM "${pids[$i]}" 2>/dev/null || true
  code=0; wait "${pids[$i]}" || code=$?
  say "$role: ${rss} MiB resident; stopped on SIGTERM in $(( $(now_ms) - t0 )) ms, exit code $code"
done
pids=()
say "publish ${publish_ms} ms; ready: $(for r in "${roles[@]}"; do printf '%s %s ms, ' "$r" "${ready_ms[$r]}"; done)alert ${alert_ms} ms after the drop"
say "OK"
