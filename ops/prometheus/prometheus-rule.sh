#!/usr/bin/env bash
# Prints ops/k8s/monitoring/prometheus-rule.yaml: the groups of ops/prometheus/alerts.yml wrapped in a Prometheus
# Operator PrometheusRule, so the plain rules stay the one source. ops/check-ops.sh fails when the committed file differs.
#   ops/prometheus/prometheus-rule.sh > ops/k8s/monitoring/prometheus-rule.yaml
set -euo pipefail
cd "$(dirname "$0")/../.."
cat <<'HEAD'
# Generated from ops/prometheus/alerts.yml by ops/prometheus/prometheus-rule.sh: edit alerts.yml, then regenerate.
# The Prometheus Operator loads it when its Prometheus's ruleSelector matches these labels (kube-prometheus-stack's
# default selects release: <its Helm release>; patch the label in an overlay to match yours).
apiVersion: monitoring.coreos.com/v1
kind: PrometheusRule
metadata:
  name: wirewatch
  labels:
    app.kubernetes.io/name: wirewatch
    release: kube-prometheus-stack
spec:
HEAD
# alerts.yml minus its comment header, indented under spec.
sed -n '/^groups:/,$p' ops/prometheus/alerts.yml | sed 's/^/  /; s/^  $//'
