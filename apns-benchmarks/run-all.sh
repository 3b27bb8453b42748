#!/usr/bin/env bash
# Runs every benchmark of the project in one go and prints the figures docs/performance.md records.
# Build first: mvn -q -B -DskipTests package
# Usage: apns-benchmarks/run-all.sh [notifications=3000000]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-3000000}
BENCH=apns-benchmarks/target/apns-benchmarks.jar
LEGACY=apns-benchmarks-legacy/target/apns-benchmarks-legacy.jar
quiet() { grep -v '^\[' | grep -v 'submitted' || true; }

echo "== machine"; nproc; java -version 2>&1 | head -n 1; uptime

echo "== codec (JMH, -prof gc)"
java -jar "$BENCH" CodecBenchmark -prof gc 2>&1 | grep -E '^CodecBenchmark\.[a-zA-Z]+ |gc\.alloc\.rate\.norm ' || true

echo "== mock server capacity (raw TLS clients, same JVM)"
for c in 1 2; do java -cp "$BENCH" dev.apns.benchmarks.MockServerCapacity "$c" 2000000 | quiet; done

echo "== streaming sender, mock server in another JVM (G1 default, then Serial GC)"
for b in blocking conscrypt netty; do
  for c in 1 4; do
    java -Xmx1g -cp "$BENCH" dev.apns.benchmarks.SenderThroughput "$b" "$c" "$N" 1000000 | quiet
    java -Xmx512m -XX:+UseSerialGC -cp "$BENCH" dev.apns.benchmarks.SenderThroughput "$b" "$c" "$N" 1000000 | quiet
  done
done

echo "== memory: 10 million through one sender in a 256 MiB heap"
java -Xmx256m -XX:+UseSerialGC -cp "$BENCH" dev.apns.benchmarks.SenderThroughput conscrypt 4 10000000 200000 | grep -v '^\['


echo "== batch API (ApnsSession.send of one message, sentinel-confirmed), mock server in another JVM"
for b in blocking conscrypt netty; do java -cp "$BENCH" dev.apns.benchmarks.SessionThroughput "$b" 300000 10 | grep median; done

echo "== the older clients, same mock server in another JVM"
for c in pushy java-apns; do java -jar "$LEGACY" "$c" 300000 50000 | quiet; done
