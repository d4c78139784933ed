#!/usr/bin/env bash
# Scaling benchmark of the archive job (docs/benchmarks.md, "Archives on Spark"): the same recordings
# handled by the plain command line (one core) and by `exchangeai archive` on Spark local[1] and
# local[2], in alternation, ROUNDS times. WORKLOAD=full (default): read, analyse and predict
# (command line: analyse --json, then predict --threads 1; archive --analyse --model);
# WORKLOAD=analyse: read and analyse (analyse --json; archive --analyse).
#
#   [WORKLOAD=full|analyse] spark/bench/scaling.sh [COPIES] [ROUNDS]
#
# COPIES (default 8) copies of ../shared/pretrain/ptbxl100 (1,349 PTB-XL records at 100 Hz, NumPy)
# are laid out under $BENCH_DIR (default: a folder in the system's temporary folder).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
COPIES=${1:-8}
ROUNDS=${2:-2}
SRC="$ROOT/../shared/pretrain/ptbxl100"
MODEL="$ROOT/../shared/models/xc_super_pretrained.onnx"
BENCH_DIR=${BENCH_DIR:-$(dirname "$(mktemp -u)")/exchangeai-archive-bench}
DATA="$BENCH_DIR/archive"
WORKLOAD=${WORKLOAD:-full}
export DJL_CACHE_DIR=${DJL_CACHE_DIR:-$HOME/.exchangeai/djl}

if [ ! -d "$DATA/copy$COPIES" ]; then
  rm -rf "$DATA"
  for i in $(seq 1 "$COPIES"); do
    mkdir -p "$DATA/copy$i"
    cp "$SRC"/*.npy "$DATA/copy$i/"
  done
fi
N=$(find "$DATA" -name '*.npy' | wc -l)
# builds both launchers' jars before timing anything
"$ROOT/exchangeai" --version >/dev/null
"$ROOT/exchangeai" archive --help >/dev/null
cat "$DATA"/*/*.npy >/dev/null

TIMEFORMAT='%R %U %S'
measure() { # label, command...: prints label, wall s, cpu s, load average before and after
  local label=$1; shift
  local before after t
  before=$(cut -d' ' -f1 /proc/loadavg)
  t=$( { time "$@" >"$BENCH_DIR/$label.out" 2>"$BENCH_DIR/$label.err"; } 2>&1 | tail -n 1 )
  after=$(cut -d' ' -f1 /proc/loadavg)
  read -r wall user sys <<<"$t"
  printf '%s\t%s\t%.1f\t%s-%s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$before" "$after"
}
cli() {
  "$ROOT/exchangeai" analyse "$DATA" --json >"$BENCH_DIR/analyse.jsonl"
  if [ "$WORKLOAD" = full ]; then
    "$ROOT/exchangeai" predict --model "$MODEL" --threads 1 "$DATA" --out "$BENCH_DIR/predict.csv"
  fi
}
archive() {
  local model=()
  if [ "$WORKLOAD" = full ]; then model=(--model "$MODEL"); fi
  "$ROOT/exchangeai" archive "$DATA" --analyse "${model[@]}" --workers "$1" --overwrite --out "$BENCH_DIR/local$1.parquet"
}

echo "workload: $WORKLOAD; recordings: $N ($COPIES copies of ptbxl100), $(nproc) cores, $(java -version 2>&1 | head -n 1)"
printf 'run\twall_s\tcpu_s\tload_before-after\n'
for r in $(seq 1 "$ROUNDS"); do
  measure "cli" cli
  measure "local1" archive 1
  measure "local2" archive 2
done
for w in 1 2; do cat "$BENCH_DIR/local$w.out"; done
