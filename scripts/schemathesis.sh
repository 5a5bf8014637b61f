#!/usr/bin/env bash
# schemathesis 4.32 against a running server, every check and phase, as anyone, a buyer and a seller.
#   scripts/schemathesis.sh http://127.0.0.1:8000 [BUYER_TOKEN] [SELLER_TOKEN] [extra schemathesis options…]
# Tokens: `python manage.py drf_create_token` or POST /api/v1/auth/token/ (seed_demo's buyer and farmer).
# The suite runs the same, bounded, in tests/test_openapi_conformance.py.
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${1:?usage: scripts/schemathesis.sh BASE_URL [BUYER_TOKEN] [SELLER_TOKEN] [options]}
BUYER=${2:-}
SELLER=${3:-}
shift $(( $# < 3 ? $# : 3 ))
ST=${ST:-.venv/bin/schemathesis}
run() {
  local who=$1; shift
  echo "== schemathesis as $who"
  "$ST" --config-file tests/openapi/schemathesis.toml run "$BASE/api/schema/" --checks all \
    --phases examples,coverage,fuzzing,stateful --max-examples "${MAX_EXAMPLES:-10}" "$@"
}
status=0
run anyone "$@" || status=1
# logout-everywhere would end the run's own token: the signed-in runs leave it out.
skip=(--exclude-path /api/v1/auth/logout-everywhere/)
[ -n "$BUYER" ] && { run buyer -H "Authorization: Token $BUYER" "${skip[@]}" "$@" || status=1; }
[ -n "$SELLER" ] && { run seller -H "Authorization: Token $SELLER" "${skip[@]}" "$@" || status=1; }
exit $status
