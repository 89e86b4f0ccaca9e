#!/usr/bin/env bash
# A local Prometheus with synthetic SLO data, so the SLO card, tab and board
# and the On call page show live budgets and alerts in the dev portal:
#
#   bash scripts/dev-prometheus.sh        # then, in another terminal: make start
#   bash scripts/services.sh stop         # when done
#
# It starts the test services (scripts/services.sh, Prometheus on :59090, the
# address app-config.yaml reads) and loads recording rules named as Sloth's
# (slo:sli_error:ratio_rate<window>, slo:objective:ratio) whose error ratios
# drift slowly with time, plus two alerts with runbook_url annotations.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/services.sh start
# shellcheck disable=SC1091
source .tmp/services/env

# service objective base-error-ratio (share of the budget spent per window
# length is base/(1-objective)); the sine makes the numbers move.
SERVICES=(
  "svc-ledger 0.999 0.0006"
  "svc-wallet 0.999 0.0002"
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
