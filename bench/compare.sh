#!/usr/bin/env bash
# planrun against Hurl 8.0.1 and the wrk one-connection floor, on loopback nginx
# (issue 14's workloads). Prints tables of medians over RUNS runs (the 2,000-step
# workload in RUNS rounds of all four, its ratios paired within each round).
#   bash bench/compare.sh                 # RUNS=5
#   RUNS=9 bash bench/compare.sh
#   SKIP_HURL=1 bash bench/compare.sh     # planrun and wrk only
#   PLANRUN_BIN=path/to/planrun bash bench/compare.sh   # a binary built already
# Missing tools are installed: nginx, wrk and GNU time with apt-get (as root), Hurl with
# `cargo install` into $BENCH_CACHE (default ~/.cache/planrun-bench, outside the repo;
# it needs libcurl4-openssl-dev, libxml2-dev, libclang-dev and pkg-config from apt).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
STEPS=${STEPS:-2000}
BENCH_CACHE=${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/planrun-bench}
HURL_VERSION=8.0.1
hurl=$BENCH_CACHE/hurl-$HURL_VERSION/bin/hurl

need_apt() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  command -v wrk >/dev/null || missing+=(wrk)
  [ -x /usr/bin/time ] || missing+=(time)
  if [ -z "${SKIP_HURL:-}" ] && [ ! -x "$hurl" ]; then
    pkg-config --exists libcurl 2>/dev/null || missing+=(libcurl4-openssl-dev)
    pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev)
    command -v pkg-config >/dev/null || missing+=(pkg-config)
    # libxml's build script runs bindgen, which loads libclang.
    ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 || missing+=(libclang-dev)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]} with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >&2
  fi
}
need_apt
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
if [ -z "${SKIP_HURL:-}" ] && [ ! -x "$hurl" ]; then
  echo "building Hurl $HURL_VERSION into $BENCH_CACHE (several minutes, once)" >&2
  mkdir -p "$BENCH_CACHE"
  nice -n 19 cargo install hurl --version "$HURL_VERSION" --locked \
    --root "$BENCH_CACHE/hurl-$HURL_VERSION" --target-dir "$BENCH_CACHE/hurl-build" >&2
fi

if [ -n "${PLANRUN_BIN:-}" ]; then
  bin=$(realpath "$PLANRUN_BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/planrun
fi
# hyper alone on one connection (bench/http_floor.rs), built with the same profile as
# the planrun binary measured (target/<profile>/planrun), else release.
profile=$(basename "$(dirname "$bin")")
[ "$profile" = debug ] && profile=dev
cargo build --profile "$profile" --example http_floor --quiet 2>/dev/null ||
  { profile=release; cargo build --release --example http_floor --quiet; }
floor_bin=$PWD/target/$([ "$profile" = dev ] && echo debug || echo "$profile")/examples/http_floor
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
wait_for() {
  for _ in $(seq 100); do curl -fs -o /dev/null "$1" && return 0 || sleep 0.1; done
  echo "no answer from $1" >&2
  exit 1
}

# --- targets: nginx for the HTTP workloads, planrun's demo target for /delay/50 ---
port=$(free_port)
mkdir -p "$work/nginx-tmp" "$work/files"
head -c 100000000 /dev/zero | tr '\0' 'x' >"$work/files/100mb.txt"
chmod -R a+rX "$work"
sed -e "s|@WORK@|$work|g" -e "s|@PORT@|$port|g" bench/nginx.conf >"$work/nginx.conf"
"$nginx_bin" -e "$work/nginx-error.log" -c "$work/nginx.conf" &
pids+=($!)
base=http://127.0.0.1:$port
wait_for "$base/health"
demo_port=$(free_port)
"$bin" demo --serve "127.0.0.1:$demo_port" >/dev/null &
pids+=($!)
demo=http://127.0.0.1:$demo_port
wait_for "$demo/health"

# --- plans ---
step() { # name url
  cat <<STEP
  - name: $1
    request:
      url: "{{ base_url }}$2"
    expect:
      status: 200
      json:
        \$.status: ok
        \$.version: { type: string, matches: "^[0-9]" }
STEP
}
mkdir -p "$work/seq" "$work/validate" "$work/one" "$work/par" "$work/par1" "$work/mem"
{
  echo "name: sequential"
  echo "steps:"
  for s in $(seq 1 "$STEPS"); do step "step $s" /health; done
} >"$work/seq/plan.yaml"
for s in $(seq 1 "$STEPS"); do
  cat <<HURL
GET $base/health
HTTP 200
[Asserts]
jsonpath "\$.status" == "ok"
jsonpath "\$.version" matches "^[0-9]"

HURL
done >"$work/seq.hurl"
for p in $(seq -w 1 500); do
  {
    echo "name: plan $p"
    echo "steps:"
    for s in $(seq 1 10); do step "step $s" "/health?p=$p&s=$s"; done
  } >"$work/validate/plan-$p.yaml"
done
head -n 11 "$work/validate/plan-001.yaml" >"$work/one/plan.yaml"
delay_plan() {
  echo "name: $1"
  echo "steps:"
  for s in $(seq 1 20); do
    printf '  - name: wait %s\n    request: { url: "{{ base_url }}/delay/50" }\n    expect: { status: 200 }\n' "$s"
  done
}
for p in $(seq -w 1 16); do delay_plan "delayed $p" >"$work/par/plan-$p.yaml"; done
delay_plan "delayed" >"$work/par1/plan.yaml"
mem_plan() { # cap
  printf 'name: big body\nsteps:\n  - name: 100 MB\n    max_body_size: %s\n' "$1"
  printf '    request: { url: "{{ base_url }}/files/100mb.txt" }\n    expect: { status: 200 }\n'
}
mem_plan 10MiB >"$work/mem/cap10.yaml"
mem_plan 128MiB >"$work/mem/cap128.yaml"
printf 'GET %s/files/100mb.txt\nHTTP 200\n' "$base" >"$work/mem.hurl"

# --- measuring: `measure NAME CMD...` runs CMD RUNS times under GNU time ---
results=$work/results.tsv
: >"$results"
measure() {
  local name=$1 runs=$RUNS
  shift
  if [ "${1:-}" = "--runs" ]; then runs=$2; shift 2; fi
  local out=$work/time.out
  for _ in $(seq 1 "$runs"); do
    # The exit code is the plan's verdict; the big-body plan with a 10 MiB cap fails on purpose.
    # GNU time's wall has 10 ms steps (4% of a 0.25 s run): the wall is read in ns.
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -f "%e %U %S %M" -o "$out" "$@" >/dev/null 2>&1 || true
    t1=$(date +%s%N)
    echo "$name $(tail -n 1 "$out" | awk -v w="$(((t1 - t0) / 1000))" '{printf "%.6f %s %s %s", w / 1e6, $2, $3, $4}')" >>"$results"
    if [ -n "${after_each:-}" ]; then "$after_each"; fi
  done
}
reports() { # dir: the three reports of a run
  echo --junit "$1/junit.xml" --report "$1/report.md" --json "$1/results.json"
}

# Where a run's time goes, from its results.json: the plan (the request loop, from its
# first step's start to its last step's end) and the HTTP exchanges within it.
loop_times() {
  python3 - "$work/seq/results.json" >>"$work/loop.tsv" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))["plans"][0]
http = sum(s["response"]["latency_us"] for s in plan["steps"] if s.get("response"))
print(plan["duration_ms"] / 1000, http / 1e6)
PY
}
# The 2,000-step workload in rounds: planrun, hyper alone, Hurl and wrk one after the
# other in each, so a ratio compares runs seconds apart (this kind of VM drifts by a
# third from one minute to the next); the ratios are medians of each round's ratio.
for round in $(seq 1 "$RUNS"); do
  after_each=loop_times measure planrun --runs 1 "$bin" run "$work/seq/plan.yaml" --var "base_url=$base" $(reports "$work/seq")
  "$floor_bin" "$base/health" "$STEPS" | awk -v r="$round" '{print r, $1}' >>"$work/floor.tsv"
  if [ -x "$hurl" ]; then
    measure hurl --runs 1 "$hurl" --test --report-junit "$work/hurl-junit.xml" "$work/seq.hurl"
  fi
  wrk -c1 -t1 -d1s "$base/health" | awk -v r="$round" '/Requests\/sec/ {print r, $2}' >>"$work/wrk.tsv"
done
measure validate "$bin" validate "$work/validate" --var "base_url=$base"
measure "mem-cap10" --runs 3 "$bin" run "$work/mem/cap10.yaml" --var "base_url=$base" $(reports "$work/mem")
measure "mem-cap128" --runs 3 "$bin" run "$work/mem/cap128.yaml" --var "base_url=$base" $(reports "$work/mem")
if [ -x "$hurl" ]; then measure "mem-hurl" --runs 3 "$hurl" --test "$work/mem.hurl"; fi
# Start-up is ~10 ms, below GNU time's resolution: the wall is the mean of 50 runs in a loop.
startup() {
  local name=$1 t0 t1
  shift
  measure "$name" --runs 1 "$@"
  t0=$(date +%s%N)
  for _ in $(seq 50); do "$@" >/dev/null 2>&1 || true; done
  t1=$(date +%s%N)
  sed -i "s|^$name [^ ]*|$name $(python3 -c "print(($t1 - $t0) / 50e9)")|" "$results"
}
startup start-version "$bin" --version
startup start-validate "$bin" validate "$work/one" --var "base_url=$base"
if [ -x "$hurl" ]; then startup start-hurl "$hurl" --version; fi
measure par16 --runs 3 "$bin" run "$work/par" --jobs 16 --var "base_url=$demo" $(reports "$work/par")
measure par1 --runs 3 "$bin" run "$work/par1" --var "base_url=$demo" $(reports "$work/par1")

python3 - "$results" "$STEPS" "$work/wrk.tsv" "$(nproc)" "$work/loop.tsv" "$work/floor.tsv" <<'PY'
import statistics, sys
from collections import defaultdict
path, steps, cores = sys.argv[1], int(sys.argv[2]), sys.argv[4]
wrk_rps = [float(l.split()[1]) for l in open(sys.argv[3])]
loops = [tuple(map(float, l.split())) for l in open(sys.argv[5])]
hyper = [float(l.split()[1]) for l in open(sys.argv[6])]
runs = defaultdict(list)
for line in open(path):
    name, wall, user, sys_, rss = line.split()
    runs[name].append((float(wall), float(user) + float(sys_), int(rss) / 1024))
def med(name):
    if name not in runs:
        return None
    rows = runs[name]
    return tuple(statistics.median(r[i] for r in rows) for i in range(3))
# Round by round: the wrk floor is its 2,000 requests at the rate it measured.
floors = [steps / rps for rps in wrk_rps]
floor = statistics.median(floors)
def paired(walls, against):
    """Median, lowest and highest of WALLS over AGAINST, round by round."""
    if not walls or not against:
        return None
    ratios = sorted(w / a for w, a in zip(walls, against))
    return statistics.median(ratios), ratios[0], ratios[-1]
def walls(name):
    return [r[0] for r in runs.get(name, [])]
def shown(ratio):
    return f"{ratio[0]:.2f}× ({ratio[1]:.2f}–{ratio[2]:.2f})" if ratio else ""
print(f"{steps} sequential GET steps, two JSONPath checks each, loopback nginx, {cores} cores;"
      f" {len(runs['planrun'])} rounds of planrun, hyper alone, Hurl and wrk one after the"
      f" other: figures are medians, ratios the median of each round's ratio (lowest–highest)")
print()
print("| workload | wall | CPU (user+sys) | peak RSS | wall / Hurl | wall / wrk floor |")
print("| --- | --- | --- | --- | --- | --- |")
def row(label, name):
    m = med(name)
    if m is None:
        return
    wall, cpu, rss = m
    to_hurl = "1.00×" if name == "hurl" else shown(paired(walls(name), walls("hurl")))
    print(f"| {label} | {wall:.3f} s | {cpu:.2f} s | {rss:.1f} MiB |"
          f" {to_hurl} | {shown(paired(walls(name), floors))} |")
row(f"planrun run, JUnit + Markdown + JSON", "planrun")
row(f"Hurl {'8.0.1'} --test --report-junit", "hurl")
print(f"| wrk -c1 -t1 floor ({statistics.median(wrk_rps):.0f} req/s) | {floor:.3f} s | | |"
      f" {shown(paired(floors, walls('hurl')))} | 1.00× |")
print()
print("Where planrun's wall time goes (the loop and its HTTP from results.json; medians, and"
      " the median of each round's ratio):")
print()
print("| part | wall | per step | wall / wrk floor |")
print("| --- | --- | --- | --- |")
def part(label, per_round):
    secs = statistics.median(per_round)
    print(f"| {label} | {secs:.3f} s | {secs / steps * 1e6:.1f} µs |"
          f" {shown(paired(per_round, floors))} |")
whole = walls("planrun")
loop = [l[0] for l in loops]
http = [l[1] for l in loops]
part("whole process", whole)
part("start, loading, reports, exit (whole − loop)", [w - l for w, l in zip(whole, loop)])
part("the request loop", loop)
part("its HTTP exchanges (sum of latencies)", http)
part("the rest of each step (render, checks, results)", [l - h for l, h in zip(loop, http)])
part("hyper alone on one connection (bench/http_floor.rs)", hyper)
print(f"\nThe request loop over hyper alone, round by round: {shown(paired(loop, hyper))}")
print()
print("| other workload | wall | peak RSS | target |")
print("| --- | --- | --- | --- |")
def other(label, name, target):
    m = med(name)
    if m:
        wall = f"{m[0] * 1000:.1f} ms" if m[0] < 0.1 else f"{m[0]:.3f} s"
        print(f"| {label} | {wall} | {m[2]:.1f} MiB | {target} |")
other("validate, 500 plans × 10 steps", "validate", "≤ 0.3 s, ≤ 60 MiB")
other("100 MB response, 10 MiB cap (BodyTooLarge)", "mem-cap10", "≤ 10 + 20 MiB")
other("100 MB response, 128 MiB cap (read whole)", "mem-cap128", "≤ 128 + 20 MiB")
other("Hurl, 100 MB response", "mem-hurl", "")
other("planrun --version", "start-version", "≤ Hurl")
other("planrun validate, one plan", "start-validate", "≤ Hurl")
other("hurl --version", "start-hurl", "")
p16, p1 = med("par16"), med("par1")
other("16 plans × 20 steps on /delay/50, --jobs 16", "par16", "≤ 1.2× one plan")
other("one plan × 20 steps on /delay/50", "par1", "")
if p16 and p1:
    print(f"\nparallel: 16 plans take {p16[0] / p1[0]:.2f}× one plan")
PY
