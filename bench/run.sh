#!/usr/bin/env bash
# Throughput and memory of a run: PLANS plans × STEPS steps against the bundled demo
# target on loopback. Prints wall time, steps per second and peak RSS.
#   bash bench/run.sh            # 50 plans × 40 steps
#   PLANS=200 STEPS=50 bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PLANS=${PLANS:-50}
STEPS=${STEPS:-40}
JOBS=${JOBS:-8}
cargo build --release --quiet
bin=target/release/planrun
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
$bin demo --serve "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break || sleep 0.1
done

for p in $(seq -w 1 "$PLANS"); do
  {
    echo "name: bench plan $p"
    echo "steps:"
    for s in $(seq 1 "$STEPS"); do
      cat <<STEP
  - name: step $s
    request:
      url: "{{ base_url }}/health"
      headers: { X-Step: "$s-{{ base_url }}" }
    expect:
      status: 200
      latency: { warn: 1s, fail: 5s }
      json:
        \$.status: ok
        \$.version: { type: string, matches: "^[0-9]" }
STEP
    done
  } > "$work/plan-$p.yaml"
done

start=$(date +%s.%N)
/usr/bin/time -f "%M" -o "$work/rss" $bin run "$work" --jobs "$JOBS" --var "base_url=http://127.0.0.1:$port" \
  --junit "$work/junit.xml" --report "$work/report.md" --json "$work/results.json" >/dev/null
end=$(date +%s.%N)
steps=$((10#$PLANS * STEPS))
python3 - "$start" "$end" "$steps" "$(cat "$work/rss")" <<'PY'
import sys
start, end, steps, rss_kb = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
wall = end - start
print(f"{steps} steps in {wall:.2f} s: {steps / wall:.0f} steps/s, peak RSS {rss_kb / 1024:.1f} MiB")
PY
