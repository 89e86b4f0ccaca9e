#!/usr/bin/env bash
# Synthetic SLO data and firing alerts in a local Prometheus, so the SLO
# card, tab and board and the On call page show live budgets and alerts in
# the dev portal. `make start` runs it (through scripts/dev-services.sh)
# against the dev services' Prometheus; by hand:
#
#   bash scripts/dev-prometheus.sh     # the Prometheus of LOCALPLUS_PROMETHEUS_URL,
#                                      # or of .tmp/dev-services/env
#
# It loads recording rules of two kinds:
#  - the request counters the catalog's SLO specs query (local-plus.io/slo-spec:
#    svc-ledger availability and p99 latency, svc-wallet, ArgoCD), made up as
#    counters that grow with time() at a drifting error and slow-request share,
#    so the portal evaluates the specs' own SLI queries against them;
#    platform-observability's spec reads this Prometheus' real self-scrape;
#  - for the services without a spec, series named as Sloth's recording rules
#    (slo:sli_error:ratio_rate<window>, slo:objective:ratio) whose error
#    ratios drift slowly with time;
# plus two alerts with runbook_url annotations. The series are functions of
# time(), so budgets and burn rates are current whenever it runs.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -z "${LOCALPLUS_PROMETHEUS_URL:-}" ]; then
  # shellcheck disable=SC1091
  source .tmp/dev-services/env 2>/dev/null || {
    echo "dev-prometheus: no Prometheus: run make start (or set LOCALPLUS_PROMETHEUS_URL and LOCALPLUS_PROMETHEUS_RULES_DIR)" >&2
    exit 1
  }
fi

# service objective base-error-ratio (share of the budget spent per window
# length is base/(1-objective)); the sine makes the numbers move.
SERVICES=(
  "svc-merchant 0.995 0.0045"
  "svc-giftcard 0.995 0.001"
  "svc-notification 0.99 0.002"
)
WINDOWS="5m 30m 1h 2h 6h 1d 3d 30d"
rules="$LOCALPLUS_PROMETHEUS_RULES_DIR/dev-slo.yml"
{
  echo "groups:"
  echo "  - name: dev-sloth-synthetic"
  echo "    interval: 15s"
  echo "    rules:"
  for entry in "${SERVICES[@]}"; do
    read -r svc objective base <<<"$entry"
    labels="{ sloth_service: $svc, sloth_slo: requests-availability }"
    echo "      - { record: \"slo:objective:ratio\", expr: \"vector($objective)\", labels: $labels }"
    i=0
    for w in $WINDOWS; do
      i=$((i + 1))
      # Shorter windows swing more; all stay at or above zero.
      amp=$(awk -v b="$base" -v i="$i" 'BEGIN { printf "%.6f", b * (9 - i) / 8 }')
      echo "      - { record: \"slo:sli_error:ratio_rate$w\", expr: \"clamp_min($base + $amp * sin(vector(time() / (600 * $i))), 0)\", labels: $labels }"
    done
  done
  # Counters: with a share b + a*sin(t/p) of bad requests (a <= b) out of r
  # a second, the bad ones number r*(b*t - a*p*cos(t/p)) and the good ones
  # r*((1-b)*t + a*p*cos(t/p)): both only grow, as counters must, and
  # rate() over any window gives back the share. a*p is added to keep
  # them above zero.
  echo "  - name: dev-service-metrics"
  echo "    interval: 15s"
  echo "    rules:"
  counters() { # metric labels-good labels-bad (or '') rate base amp period
    local metric="$1" good="$2" bad="$3" r="$4" b="$5" a="$6" p="$7"
    [ -n "$bad" ] && echo "      - { record: \"$metric\", labels: $bad, expr: \"$r * ($b * time() + $a * $p) - $r * $a * $p * cos(vector(time() / $p))\" }"
    echo "      - { record: \"$metric\", labels: $good, expr: \"$r * ((1 - $b) * time()) + $r * $a * $p * cos(vector(time() / $p))\" }"
  }
  count=http_server_request_duration_seconds_count
  bucket=http_server_request_duration_seconds_bucket
  # svc-ledger: 20 requests/s, 0.06% +/- 0.05% errors (99.9%: burning about
  # 0.6x), 0.4% +/- 0.3% slower than 200 ms (p99 objective: about 0.4x).
  counters "$count" '{ service_name: svc-ledger, http_response_status_code: "200" }' \
    '{ service_name: svc-ledger, http_response_status_code: "500" }' 20 0.0006 0.0005 1800
  # The 0.2 s bucket holds the fast ones; the slow ones are the rest of _count.
  counters "$bucket" '{ service_name: svc-ledger, le: "0.2" }' '' 20 0.004 0.003 2700
  echo "      - { record: \"$bucket\", labels: { service_name: svc-ledger, le: \"+Inf\" }, expr: \"vector(20 * time())\" }"
  # svc-wallet: 50 requests/s, 0.02% +/- 0.02% errors.
  counters "$count" '{ service_name: svc-wallet, http_response_status_code: "200" }' \
    '{ service_name: svc-wallet, http_response_status_code: "503" }' 50 0.0002 0.0002 2400
  # ArgoCD's API server: 5 calls/s, 0.2% +/- 0.15% failing Unavailable.
  counters grpc_server_handled_total '{ job: argocd-server-metrics, grpc_code: OK }' \
    '{ job: argocd-server-metrics, grpc_code: Unavailable }' 5 0.002 0.0015 3000
  cat <<'YAML'
  - name: dev-alerts
    interval: 15s
    rules:
      - alert: SLOErrorBudgetBurnTicket
        expr: vector(1)
        labels: { service: svc-merchant, severity: ticket, sloth_service: svc-merchant, sloth_slo: requests-availability }
        annotations:
          summary: svc-merchant has spent most of its 30-day error budget
          runbook_url: http://localhost:3000/docs/default/component/svc-merchant/runbooks/slo-burn/
      - alert: DramatiqDeadLetterQueueGrowing
        expr: vector(1)
        labels: { service: svc-wallet, severity: ticket, queue: high }
        annotations:
          summary: dead letters on the high queue keep growing
YAML
} >"$rules"
curl -fsS -X POST "$LOCALPLUS_PROMETHEUS_URL/-/reload" >/dev/null
echo "dev-prometheus: synthetic SLO data and alerts loaded into $LOCALPLUS_PROMETHEUS_URL ($rules)"
