#!/usr/bin/env bash
# Makes sure every tool the test command calls is on this machine, installing Debian's package for each one that is
# missing, then checks them all again and names any tool still missing (so a failed install says what failed).
#   ops/test-deps.sh            every tool ops/test.sh needs
#   ops/test-deps.sh TOOL...    only those (ops/check-ops.sh asks for its own)
# A new machine of this kind has none of rabbitmq-server, promtool or docker-compose: the test command must install
# them itself. Remove them (apt-get remove rabbitmq-server prometheus docker-compose) and run ops/test.sh to see it.
set -euo pipefail

# tool -> how to find it, and the Debian package that provides it.
declare -A probe=(
  [rabbitmq-server]="test -x /usr/lib/rabbitmq/bin/rabbitmq-server"  # private nodes in the integration and fault tests
  [promtool]="command -v promtool"                                     # Prometheus rules and their tests (check-ops)
  [prometheus]="command -v prometheus"                                 # the runbook links' base URL on a real server (check-ops)
  [docker-compose]="command -v docker-compose"                         # validates docker/compose.yaml (check-ops)
  # kubectl kustomize of the overlays (check-ops): 1.21 or later, whose kustomize (v4+) reads `labels` and `patches`.
  [kubectl]="kubectl version --client -o json | /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)[\"clientVersion\"]; sys.exit(not (int(v[\"major\"]), int(v[\"minor\"].rstrip(\"+\"))) >= (1, 21))'"
  [python3-yaml]="/usr/bin/python3 -c 'import yaml'"                   # reads the rendered manifests (check-ops)
  [postgresql]="test -x /usr/lib/postgresql/15/bin/initdb"             # private clusters in the state-store and fault tests
  [npm]="command -v node && command -v npm"                            # runs the AsyncAPI parser (Contracts tests)
  # @asyncapi/parser, the AsyncAPI Initiative's validator of docs/asyncapi.yaml: from the npm registry, not apt (below).
  [asyncapi-parser]="test -f tools/asyncapi/node_modules/@asyncapi/parser/package.json"
  [chromium]="test -x /usr/bin/chromium"                               # the console's browser tests (Selenium, headless)
  [chromedriver]="test -x /usr/bin/chromedriver"                       # drives chromium for those tests
)
declare -A package=(
  [rabbitmq-server]=rabbitmq-server
  [promtool]=prometheus
  [prometheus]=prometheus
  [docker-compose]=docker-compose
  # This machine kind's image ships Google's kubectl package; Debian's kubernetes-client (1.20) is too old to replace it.
  [kubectl]=kubectl
  [python3-yaml]=python3-yaml
  [postgresql]=postgresql-15
  [npm]=npm
  [asyncapi-parser]="npm ci --prefix tools/asyncapi"
  [chromium]=chromium
  [chromedriver]=chromium-driver
)
all_tools=(rabbitmq-server promtool prometheus docker-compose kubectl python3-yaml postgresql npm asyncapi-parser chromium chromedriver)

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=("${all_tools[@]}")

have() { bash -c "${probe[$1]}" >/dev/null 2>&1; }

missing=()
for tool in "${tools[@]}"; do
  [ -n "${probe[$tool]:-}" ] || { echo "ops/test-deps.sh: unknown tool '$tool' (known: ${all_tools[*]})" >&2; exit 2; }
  have "$tool" || missing+=("$tool")
done

cd "$(dirname "$0")/.."  # the probes and npm ci use paths inside the repository

# apt first (npm may be among them), then the npm packages the tests run.
npm_missing=false
if [[ " ${missing[*]} " == *" asyncapi-parser "* ]]; then
  npm_missing=true
  missing=("${missing[@]/asyncapi-parser}")
  read -r -a missing <<<"${missing[*]}"
fi

if [ ${#missing[@]} -gt 0 ]; then
  packages=()
  for tool in "${missing[@]}"; do
    [[ " ${packages[*]} " == *" ${package[$tool]} "* ]] || packages+=("${package[$tool]}")  # promtool and prometheus: one package
  done
  echo "ops/test-deps.sh: installing ${packages[*]} (missing: ${missing[*]})"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq || echo "ops/test-deps.sh: apt-get update failed; trying the install with the lists at hand" >&2
  # rabbitmq-server's package starts a node of its own; the tests start private nodes, so that one is stopped below.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || echo "ops/test-deps.sh: apt-get install ${packages[*]} failed" >&2
  if [[ " ${missing[*]} " == *" rabbitmq-server "* ]]; then
    $sudo service rabbitmq-server stop >/dev/null 2>&1 || true
  fi
  # Debian's prometheus package starts a server of its own on :9090; check-ops runs a private one on a free port.
  if [[ " ${missing[*]} " == *" prometheus "* || " ${missing[*]} " == *" promtool "* ]]; then
    $sudo service prometheus stop >/dev/null 2>&1 || true
  fi
  # Likewise postgresql-15's own cluster: the tests initdb private ones.
  if [[ " ${missing[*]} " == *" postgresql "* ]]; then
    $sudo service postgresql stop >/dev/null 2>&1 || true
  fi
fi

if $npm_missing; then
  echo "ops/test-deps.sh: installing @asyncapi/parser into tools/asyncapi (npm ci, versions from its package-lock.json)"
  # --ignore-scripts: the parser is plain JavaScript; the only install script in its tree is @scarf/scarf's usage report.
  npm ci --prefix tools/asyncapi --ignore-scripts --no-audit --no-fund >/dev/null || echo "ops/test-deps.sh: npm ci --prefix tools/asyncapi failed" >&2
fi

still=()
for tool in "${tools[@]}"; do have "$tool" || still+=("$tool (install: ${package[$tool]})"); done
if [ ${#still[@]} -gt 0 ]; then
  printf 'ops/test-deps.sh: still missing after the install: %s\n' "${still[@]}" >&2
  exit 1
fi
