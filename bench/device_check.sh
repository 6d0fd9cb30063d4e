#!/usr/bin/env bash
# One short run on a lent GPU machine (under 8 minutes without --train-minutes): install what
# is missing, run the GPU tests, the GPU render benchmark, a short training benchmark and a
# torch.compile measurement, then write OUT/report.json and OUT/report.txt.
#
#   bench/device_check.sh [--out DIR] [--dry-run] [--budget S]
#                         [--train-minutes M [--train-data DIR] [--train-args "ARGS"]]
#
# --out DIR          where the report goes (default: $OUT, else ./device-check)
# --dry-run          CPU only, tiny models, no install: checks the script itself (CI runs it)
# --budget S         seconds for the checks (default 450); each step gets what is left
# --train-minutes M  then train the bundled recipe for M minutes and package the model into
#                    OUT/train/model, fine-tuned from models/landscape-slim (data: --train-data,
#                    else synthesized as in MODEL_CARD.md; --train-args are added to `casa-studio train`)
set -uo pipefail
cd "$(dirname "$0")/.."

OUT_DIR="${OUT:-device-check}"
DRY=0
BUDGET=450
TRAIN_MIN=0
TRAIN_DATA=""
TRAIN_ARGS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --out) OUT_DIR="$2"; shift 2 ;;
        --dry-run) DRY=1; shift ;;
        --budget) BUDGET="$2"; shift 2 ;;
        --train-minutes) TRAIN_MIN="$2"; shift 2 ;;
        --train-data) TRAIN_DATA="$2"; shift 2 ;;
        --train-args) TRAIN_ARGS="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "device_check.sh: unknown option $1" >&2; exit 2 ;;
    esac
done

mkdir -p "$OUT_DIR/logs" || exit 2
OUT_DIR="$(cd "$OUT_DIR" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/casa-device-check.XXXXXX")"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1
STEPS="$OUT_DIR/steps.jsonl"
: > "$STEPS"
DEADLINE=$((SECONDS + BUDGET))
if [ "$DRY" = 1 ]; then
    export CUDA_VISIBLE_DEVICES=""  # the dry run must behave as on a CPU machine
fi

# step NAME LIMIT_S CMD...: run with at most LIMIT_S (and never past the budget), log to
# OUT/logs/NAME.log, record the exit code and seconds; a failed step does not stop the others.
step() {
    local name=$1 limit=$2 left=$((DEADLINE - SECONDS)) start=$SECONDS rc
    shift 2
    [ "$left" -lt "$limit" ] && limit=$left
    if [ "$limit" -le 5 ]; then
        rc=125  # no time left in the budget
    else
        timeout -s TERM -k 20 "$limit" "$@" > "$OUT_DIR/logs/$name.log" 2>&1
        rc=$?
    fi
    printf '{"step": "%s", "rc": %d, "seconds": %d, "limit": %d}\n' \
        "$name" "$rc" $((SECONDS - start)) "$limit" >> "$STEPS"
    echo "device_check: $name rc=$rc ($((SECONDS - start)) s)"
    return $rc
}

install() {
    if python -c "import torch, sys; sys.exit(not torch.cuda.is_available())" 2>/dev/null; then
        # keep the machine's CUDA torch: everything else from pyproject.toml, then the package
        python - > "$WORK/requirements.txt" <<'EOF'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
    if not dep.replace(" ", "").startswith("torch"):
        print(dep)
EOF
        pip install -q -r "$WORK/requirements.txt" && pip install -q --no-deps -e .
    elif python -c "import torch" 2>/dev/null && command -v nvidia-smi > /dev/null; then
        # a CPU build of torch on a GPU machine: the PyPI build of the pinned version has CUDA
        pip install -q --force-reinstall "torch==2.13.0" && pip install -q -e ".[test]"
    else
        pip install -q -e ".[test]"
    fi
}

train_recipe() {
    # The documented one-command GPU run (README, "Train the bundled model on a GPU"): fine-tune
    # the bundled model with the default (sharp) recipe for M minutes, then package it with its
    # discriminator and the bundled segmenter into OUT/train/model.
    local data="$TRAIN_DATA" runs="$WORK/runs" run
    local args=(--config slim --init models/landscape-slim --precision bf16 --batch 8 --ema 0.999
        --sample-every 250 --checkpoint-every 250 --iters 10000000)
    if [ "$DRY" = 1 ]; then
        args=(--config tiny --iters 2 --sample-every 2 --checkpoint-every 2)
    fi
    if [ -z "$data" ]; then
        data="$WORK/world"
        if [ "$DRY" = 1 ]; then
            python -m casa_studio dataset synth --count 6 --size 40 --workers 1 -o "$data" || return
        else
            python -m casa_studio dataset synth --count 3000 --size 256 --seed 1 \
                --workers "$(nproc)" -o "$data" || return
        fi
    fi
    # shellcheck disable=SC2086  # --train-args is a list of words
    timeout -s TERM -k 60 $((TRAIN_MIN * 60 + 300)) python -m casa_studio train --data "$data" \
        --out "$runs" "${args[@]}" --minutes "$TRAIN_MIN" $TRAIN_ARGS \
        --package-to "$OUT_DIR/train/model" --name landscape-slim
    run="$(ls -d "$runs"/[0-9]*-* | tail -n 1)"
    cp "$run/metrics.jsonl" "$run/train.json" "$OUT_DIR/train/" 2>/dev/null
    cp "$(ls "$run"/samples/*.png | tail -n 1)" "$OUT_DIR/train/last_sample.png" 2>/dev/null
}

export OUT_DIR WORK DRY TRAIN_MIN TRAIN_DATA TRAIN_ARGS
export -f install train_recipe  # `timeout` runs them through `bash -c`

if [ "$DRY" = 1 ]; then
    TINY=(--dry-run)
else
    step install 240 bash -c install
    nvidia-smi > "$OUT_DIR/logs/nvidia-smi.log" 2>&1
    TINY=()
fi

# The GPU tests need no GUI libraries: pytest-qt stays off, the worker test uses QtCore alone.
step gpu-tests 240 python -m pytest tests/gpu -m gpu -p no:pytestqt -q -rA \
    --junitxml "$OUT_DIR/gpu-tests.xml"
step render-bench 120 python bench/gpu_render.py "${TINY[@]}" --json "$OUT_DIR/render.json"
if [ "$DRY" = 1 ]; then
    step train-bench 120 python bench/train_step.py --presets tiny --repeats 1 --size 40 \
        --json "$OUT_DIR/train-step.json"
else
    step train-bench 120 python bench/train_step.py --repeats 3 --json "$OUT_DIR/train-step.json"
    step compile-bench 120 python bench/gpu_render.py --presets slim --precisions fp16 \
        --compile reduce-overhead --json "$OUT_DIR/render-compiled.json"
fi

if [ "$TRAIN_MIN" -gt 0 ]; then
    DEADLINE=$((SECONDS + TRAIN_MIN * 60 + 900))  # the checks' budget is spent; training has its own
    step train "$((TRAIN_MIN * 60 + 840))" bash -c train_recipe
fi

python bench/device_report.py "$OUT_DIR" || exit 2
rm -rf "$WORK"
FAILED=$(python -c "import json,sys; print(sum(json.loads(l)['rc'] != 0 for l in open(sys.argv[1])))" "$STEPS")
exit $((FAILED > 0))
