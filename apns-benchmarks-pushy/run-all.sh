#!/usr/bin/env bash
# The HTTP/2 comparison docs/performance.md records: the SDK's streaming sender against Pushy 0.15's ApnsClient, both
# with token authentication and one connection, in one JVM, against the testkit's HTTP/2 mock server in another JVM
# (MockApnsMain --no-record, HTTP/2, run from apns-benchmarks' jar, which has the Netty 4.2 it needs); then ten million
# notifications through the SDK's sender in a 256 MiB heap.
# Build first, from the repository root: mvn -q -B -DskipTests package (or mvn -B verify, which packages too).
# Usage: apns-benchmarks-pushy/run-all.sh
# Each client warms up for at least 20 s of its own rounds and 3 rounds, then 10 rounds are measured; rounds alternate.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=apns-benchmarks-pushy/target/apns-benchmarks-pushy.jar
SERVER=apns-benchmarks/target/apns-benchmarks.jar
for f in "$JAR" "$SERVER"; do
  [ -r "$f" ] || { echo "$f is missing: build first with mvn -q -B -DskipTests package" >&2; exit 1; }
done
# Every round is printed (with the heap in use after it); only Pushy's own log lines are left out.
rounds() { grep -v '^\[' || true; }

echo "== machine"; nproc; java -version 2>&1 | head -n 1; uptime

for backend in conscrypt blocking; do
  echo "== HTTP/2, one connection each: ours ($backend) vs Pushy 0.15.4 (OpenSSL), rounds of 500,000 and 100,000"
  java -Xmx1g -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dapns.mock.classpath="$SERVER" -jar "$JAR" "$backend" both 500000 100000 10 3 | rounds
  uptime
done

echo "== memory: ten million measured through our sender (conscrypt, one connection) in a 256 MiB heap"
java -Xmx256m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dapns.mock.classpath="$SERVER" -jar "$JAR" conscrypt ours 1000000 100000 10 3 | rounds
uptime
