#!/usr/bin/env bash
# Runs every benchmark of the project in one go and prints the figures docs/performance.md records.
# Build first: mvn -q -B -DskipTests package
# Usage: apns-benchmarks/run-all.sh
# Throughput runs are measured in rounds: a warm-up of at least 3 rounds and 20 s, then the median and best of 10.
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH=apns-benchmarks/target/apns-benchmarks.jar
LEGACY=apns-benchmarks-legacy/target/apns-benchmarks-legacy.jar
summary() { grep -v '^\[' | grep -v '^  ' || true; }

echo "== machine"; nproc; java -version 2>&1 | head -n 1; uptime

echo "== codec (JMH, -prof gc)"
java -jar "$BENCH" CodecBenchmark -prof gc 2>&1 | grep -E '^CodecBenchmark\.[a-zA-Z]+ |gc\.alloc\.rate\.norm ' || true

echo "== mock server capacity (raw TLS clients, same JVM)"
for c in 1 2; do java -cp "$BENCH" dev.apns.benchmarks.MockServerCapacity "$c" 2000000 | summary; done

echo "== streaming sender, listener form: 10 rounds of 1,000,000 after at least 20 s of warm-up, mock server in another JVM"
for b in blocking conscrypt netty; do
  for c in 1 4; do
    java -Xmx1g -cp "$BENCH" dev.apns.benchmarks.SenderThroughput "$b" "$c" 1000000 10 3 | summary
  done
done

echo "== streaming sender, future form (whenComplete per notification)"
java -Xmx1g -cp "$BENCH" dev.apns.benchmarks.SenderThroughput conscrypt 1 1000000 10 3 future | summary

echo "== memory: 10 million measured through one sender in a 256 MiB heap"
java -Xmx256m -cp "$BENCH" dev.apns.benchmarks.SenderThroughput conscrypt 4 1000000 10 3 | summary

echo "== batch API (ApnsSession.send of one message, sentinel-confirmed), mock server in another JVM"
for b in blocking conscrypt netty; do java -Xmx1g -cp "$BENCH" dev.apns.benchmarks.SessionThroughput "$b" 300000 10 3 | summary; done

echo "== the older clients, same workload, same mock server in another JVM"
for c in pushy java-apns; do java -Xmx1g -jar "$LEGACY" "$c" 300000 10 3 | summary; done
