#!/usr/bin/env bash
# Validates the deployment files without a container engine or a cluster (ops/test.sh runs it first; a few seconds):
#   docker/compose.yaml        docker-compose config (with .env.example's variables)
#   ops/prometheus/prometheus.yml  promtool check config (the local stack's scrape config and the rules it loads)
#   ops/prometheus/alerts.yml  promtool check rules + promtool test rules (alerts.test.yml)
#   ops/grafana/*.json         parses
#   ops/k8s/overlays/*         kubectl kustomize renders each, and every Deployment has probes, resources, a grace
#                              period longer than the bus's stop timeout, a PodDisruptionBudget, and (consumers) a
#                              KEDA ScaledObject on its own queue, its own broker user from a mounted Secret file;
#                              no Secret is rendered (they are referenced only). State: in Postgres mode no PVC, the
#                              connection string from a mounted Secret file, 2+ fetchers, the alerter scaled by KEDA;
#                              in SQLite mode (single-node) one replica with Recreate and a PVC per stateful role.
# Installs what it calls when missing (promtool, docker-compose, kubectl, python3-yaml: ops/test-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf 'check-ops: %s\n' "$*"; }

bash ops/test-deps.sh promtool docker-compose kubectl python3-yaml
python=/usr/bin/python3 # Debian's, which python3-yaml serves (python3 on PATH may be another interpreter)

step "docker-compose config"
docker-compose --env-file docker/.env.example -f docker/compose.yaml config --quiet

step "promtool check config ops/prometheus/prometheus.yml"
promtool check config ops/prometheus/prometheus.yml >/dev/null

step "promtool check rules + test rules"
promtool check rules ops/prometheus/alerts.yml >/dev/null
promtool test rules ops/prometheus/alerts.test.yml >/dev/null

step "dashboards parse"
for dashboard in ops/grafana/*.json; do
  $python -m json.tool "$dashboard" >/dev/null
done

# The bus's stop timeout, read from the composition root, so the grace-period check follows the code.
stop_timeout=$(sed -n 's/.*StopTimeout = TimeSpan.FromSeconds(\([0-9]*\)).*/\1/p' src/Wirewatch.Hosting/WirewatchDefaults.cs)
[ -n "$stop_timeout" ] || { echo "check-ops: cannot find MassTransit's StopTimeout in WirewatchDefaults.cs"; exit 1; }

# The consumer queues, read from the contracts (WireNames.CleanerQueue, ...), so KEDA's triggers follow the code.
queues=$(sed -n 's/.*const string \(Cleaner\|Classifier\|Alerter\)Queue = "\([^"]*\)".*/\L\1\E=\2/p' src/Wirewatch.Contracts/WireNames.cs | tr '\n' ' ')
[ "$(wc -w <<<"$queues")" -eq 3 ] || { echo "check-ops: cannot find the three consumer queues in WireNames.cs"; exit 1; }

rendered=$(mktemp -d)
trap 'rm -rf "$rendered"' EXIT
for overlay in ops/k8s/overlays/*/; do
  name=$(basename "$overlay")
  step "kubectl kustomize $overlay"
  kubectl kustomize "$overlay" >"$rendered/$name.yaml"
  $python - "$rendered/$name.yaml" "$stop_timeout" $queues <<'PY'
import sys, yaml

path = sys.argv[1]
docs = [d for d in yaml.safe_load_all(open(path)) if d]
by_kind = {}
for d in docs:
    by_kind.setdefault(d["kind"], []).append(d)

problems = []
STOP_TIMEOUT = int(sys.argv[2])  # MassTransitHostOptions.StopTimeout in WirewatchDefaults
QUEUES = dict(arg.split("=", 1) for arg in sys.argv[3:])  # role=queue, from WireNames

if by_kind.get("Secret"):
    problems.append("a Secret is rendered: secrets are created out of band and only referenced")

deployments = by_kind.get("Deployment", [])
roles = set()
credential_secrets = {}  # Secret name -> Deployments reading their broker credentials from it
for d in deployments:
    name = d["metadata"]["name"]
    spec = d["spec"]["template"]["spec"]
    labels = d["spec"]["template"]["metadata"]["labels"]
    role = labels.get("app.kubernetes.io/component")
    roles.add(role)
    if spec.get("terminationGracePeriodSeconds", 30) <= STOP_TIMEOUT:
        problems.append(f"{name}: terminationGracePeriodSeconds must exceed the bus stop timeout ({STOP_TIMEOUT} s)")
    for c in spec["containers"]:
        if c.get("livenessProbe", {}).get("httpGet", {}).get("path") != "/health/live":
            problems.append(f"{name}: livenessProbe must GET /health/live")
        if c.get("readinessProbe", {}).get("httpGet", {}).get("path") != "/health/ready":
            problems.append(f"{name}: readinessProbe must GET /health/ready")
        res = c.get("resources", {})
        for part in ("requests", "limits"):
            if not {"cpu", "memory"} <= set(res.get(part, {})):
                problems.append(f"{name}: resources.{part} needs cpu and memory")
        if not c.get("securityContext", {}).get("readOnlyRootFilesystem"):
            problems.append(f"{name}: the root file system must be read-only")
        for e in c.get("env", []):
            if "password" in e["name"].lower() and not e["name"].endswith("File") and "value" in e:
                problems.append(f"{name}: {e['name']} is inlined; reference a Secret")
        if not any(e["name"] == "Wirewatch__Roles" for e in c.get("env", [])):
            problems.append(f"{name}: Wirewatch__Roles is not set")
        # The role's own broker user, from a file of a mounted Secret (docs/operations.md#security).
        password_file = next((e.get("value") for e in c.get("env", []) if e["name"] == "Wirewatch__RabbitMq__PasswordFile"), None)
        secret_volumes = {v["name"]: v["secret"]["secretName"] for v in spec.get("volumes", []) if "secret" in v}
        mounted = [secret_volumes[m["name"]] for m in c.get("volumeMounts", [])
                   if m["name"] in secret_volumes and password_file and password_file.startswith(m["mountPath"].rstrip("/") + "/")]
        if not mounted:
            problems.append(f"{name}: the broker password must come from a mounted Secret file (Wirewatch__RabbitMq__PasswordFile)")
        credential_secrets.setdefault(mounted[0] if mounted else None, []).append(name)
    pdbs = [p for p in by_kind.get("PodDisruptionBudget", [])
            if p["spec"]["selector"]["matchLabels"].items() <= labels.items()]
    if not pdbs:
        problems.append(f"{name}: no PodDisruptionBudget selects it")

for secret, users in credential_secrets.items():
    if secret and len(users) > 1:
        problems.append(f"{', '.join(users)} share the broker credentials of Secret {secret}: a user per role")

if roles != {"fetcher", "cleaner", "classifier", "alerter"}:
    problems.append(f"a Deployment per role expected, found {sorted(r or '?' for r in roles)}")

scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in by_kind.get("ScaledObject", [])}
for role, queue in QUEUES.items():
    s = scaled.get(f"wirewatch-{role}")
    if s is None:
        problems.append(f"wirewatch-{role}: no KEDA ScaledObject")
    elif not any(t["type"] == "rabbitmq" and t["metadata"].get("queueName") == queue for t in s["spec"]["triggers"]):
        problems.append(f"wirewatch-{role}: its ScaledObject must scale on the RabbitMQ queue {queue}")

# State: PostgreSQL (the base) or SQLite (the single-node overlay), read from the rendered wirewatch-state ConfigMap.
state = next((c.get("data", {}) for c in by_kind.get("ConfigMap", []) if c["metadata"]["name"].startswith("wirewatch-state")), None)
STATEFUL = ("fetcher", "cleaner", "alerter")
if state is None:
    problems.append("no wirewatch-state ConfigMap (Wirewatch__State__Provider for the stateful roles)")
else:
    provider = state.get("Wirewatch__State__Provider", "Sqlite")
    if "Wirewatch__State__ConnectionString" in state:
        problems.append("wirewatch-state: Wirewatch__State__ConnectionString is inlined; use ConnectionStringFile from a mounted Secret")
    by_role = {e.get("value"): d for d in deployments
               for e in d["spec"]["template"]["spec"]["containers"][0].get("env", []) if e["name"] == "Wirewatch__Roles"}
    for role in STATEFUL:
        d = by_role.get(role)
        if d is None:
            continue
        name = d["metadata"]["name"]
        spec = d["spec"]["template"]["spec"]
        c = spec["containers"][0]
        if not any(e.get("configMapRef", {}).get("name", "").startswith("wirewatch-state") for e in c.get("envFrom", [])):
            problems.append(f"{name}: does not read the wirewatch-state ConfigMap")
        pvcs = [v for v in spec.get("volumes", []) if "persistentVolumeClaim" in v]
        replicas = d["spec"].get("replicas", 1)
        if provider == "Postgres":
            if pvcs:
                problems.append(f"{name}: a PersistentVolumeClaim in Postgres mode (state lives in PostgreSQL)")
            secret_file = state.get("Wirewatch__State__ConnectionStringFile", "")
            secret_volumes = {v["name"] for v in spec.get("volumes", []) if "secret" in v}
            if not any(m["name"] in secret_volumes and secret_file.startswith(m["mountPath"].rstrip("/") + "/") for m in c.get("volumeMounts", [])):
                problems.append(f"{name}: Wirewatch__State__ConnectionStringFile must be a file of a mounted Secret")
            if role == "fetcher" and replicas < 2:
                problems.append(f"{name}: {replicas} replica(s) in Postgres mode; run 2 or more (the schedule is clustered)")
        else:
            if replicas != 1 or d["spec"].get("strategy", {}).get("type") != "Recreate":
                problems.append(f"{name}: SQLite has one writer: 1 replica with strategy Recreate (found {replicas}, {d['spec'].get('strategy')})")
            if not any(v["name"] == "data" for v in pvcs):
                problems.append(f"{name}: its SQLite state needs /data on a PersistentVolumeClaim")
            s = scaled.get(name)
            if s is not None and s["spec"].get("maxReplicaCount", 1) != 1:
                problems.append(f"{name}: its ScaledObject may scale past one replica on SQLite")
    if provider == "Postgres":
        if by_kind.get("PersistentVolumeClaim"):
            problems.append("PersistentVolumeClaims rendered in Postgres mode")
        s = scaled.get("wirewatch-alerter")
        if s is not None and s["spec"].get("maxReplicaCount", 1) < 2:
            problems.append("wirewatch-alerter: KEDA must be able to scale it past one replica in Postgres mode")

if not by_kind.get("NetworkPolicy"):
    problems.append("no NetworkPolicy")

if problems:
    print("\n".join(f"  {path}: {p}" for p in problems))
    sys.exit(1)
print(f"  {len(deployments)} Deployments, {len(scaled)} ScaledObjects, "
      f"{len(by_kind.get('PodDisruptionBudget', []))} PodDisruptionBudgets, {len(by_kind.get('NetworkPolicy', []))} NetworkPolicies")
PY
done

step "all deployment files valid"
