#!/usr/bin/env bash
# Runs every benchmark of the project in one go and prints the figures docs/performance.md records.
# Build first: mvn -q -B -DskipTests package
# Usage: apns-benchmarks/run-all.sh [notifications=1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
BENCH=apns-benchmarks/target/apns-benchmarks.jar
LEGACY=apns-benchmarks-legacy/target/apns-benchmarks-legacy.jar
quiet() { grep -v '^\[' | grep -v 'submitted' || true; }

echo "== machine"; nproc; java -version 2>&1 | head -n 1; uptime

echo "== codec (JMH, -prof gc)"
java -jar "$BENCH" CodecBenchmark -prof gc 2>&1 | grep -E '^CodecBenchmark\.[a-zA-Z]+ |gc\.alloc\.rate\.norm ' || true

echo "== mock server capacity (raw TLS clients, same JVM)"
for c in 1 2; do java -cp "$BENCH" dev.apns.benchmarks.MockServerCapacity "$c" 2000000 | quiet; done

echo "== streaming sender, mock server in another JVM"
for b in blocking conscrypt netty; do
  for c in 1 4; do
    java -Xmx1g -cp "$BENCH" dev.apns.benchmarks.SenderThroughput "$b" "$c" "$N" 300000 | quiet
  done
done

echo "== batch API (ApnsSession.send of one message), mock server in this JVM"
for b in blocking conscrypt netty; do java -cp "$BENCH" dev.apns.benchmarks.SessionThroughput "$b" 200000 5 | grep best; done

echo "== the older clients, same mock server in another JVM"
for c in pushy java-apns; do java -jar "$LEGACY" "$c" 300000 50000 | quiet; done
