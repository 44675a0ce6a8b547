#!/usr/bin/env bash
# Runs the same seeded ddb-bench workload against our emulator (over HTTP and
# embedded), the peers a user would pick instead (Dynoxide, dynalite, moto's
# server), and a trivial reference HTTP server, one at a time on loopback
# ports, and writes the tables into BENCHMARKS.md between the markers
# <!-- compare:begin --> and <!-- compare:end --> (the rest of the file is kept).
#
# Usage: bench/compare.sh [--quick] [--only LIST] [--skip LIST] [--no-write]
#   LIST: comma-separated of ours,embedded,dynoxide,dynalite,moto,reference
#   --quick     1 s per phase, 2000 items (to try the script itself)
#   --no-write  print the Markdown instead of updating BENCHMARKS.md
#   --bin-dir D use the ddb-bench and ddb-emulator binaries in D (no build)
# Environment: DURATION (s per phase, 5), ITEMS (10000), CONCURRENCY (16),
#   MOTO_OPS (300 ops per phase for moto), MOTO_ITEMS (1000),
#   DDB_BENCH_CACHE (~/.cache/ddb-bench: peers' installs and the raw results),
#   DDB_BENCH_MD (the file to update: BENCHMARKS.md at the repository root).
#
# Installs (skipped when already there): `cargo install dynoxide-rs` (binary
# `dynoxide`, in ~/.cargo/bin; its build takes minutes), npm `dynalite` and
# PyPI `moto[server]` under $DDB_BENCH_CACHE, never in the repository.
# A peer that cannot be installed or started is skipped with a note.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${DDB_BENCH_CACHE:-$HOME/.cache/ddb-bench}
DURATION=${DURATION:-5}
ITEMS=${ITEMS:-10000}
CONCURRENCY=${CONCURRENCY:-16}
MOTO_OPS=${MOTO_OPS:-300}
MOTO_ITEMS=${MOTO_ITEMS:-1000}
BIN_DIR=""
ONLY=""
SKIP=""
WRITE=1
ARGS="$*"
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) DURATION=1; ITEMS=2000; MOTO_OPS=100; MOTO_ITEMS=500 ;;
        --only) ONLY=",$2,"; shift ;;
        --skip) SKIP=",$2,"; shift ;;
        --no-write) WRITE=0 ;;
        --bin-dir) BIN_DIR=$(cd "$2" && pwd); shift ;;
        -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
        *) echo "compare.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

wanted() {
    if [ -n "$ONLY" ] && [[ "$ONLY" != *",$1,"* ]]; then return 1; fi
    if [[ "$SKIP" == *",$1,"* ]]; then return 1; fi
    return 0
}

mkdir -p "$CACHE"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$CACHE/results-$STAMP.jsonl"
NOTES="$CACHE/notes-$STAMP.txt"
: >"$RESULTS"
: >"$NOTES"
note() { echo "compare.sh: $*" >&2; echo "- $*" >>"$NOTES"; }

# Every process this script starts in the background is recorded here and
# stopped on exit (ddb-bench itself stops the servers it spawns).
PIDS=()
cleanup() {
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    sleep 0.3
    for pid in "${PIDS[@]:-}"; do
        [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
        || echo $((20000 + RANDOM % 20000))
}

# ---------------------------------------------------------------- build
if [ -z "$BIN_DIR" ]; then
    echo "compare.sh: building ddb-bench and ddb-emulator (release)" >&2
    (cd "$ROOT" && cargo build --release -p ddb-bench -p ddb-emulator)
    BIN_DIR="$ROOT/target/release"
fi
BENCH="$BIN_DIR/ddb-bench"
OURS="$BIN_DIR/ddb-emulator"

# ---------------------------------------------------------------- installs
DYNOXIDE=""
if wanted dynoxide; then
    DYNOXIDE=$(command -v dynoxide || true)
    [ -z "$DYNOXIDE" ] && [ -x "$HOME/.cargo/bin/dynoxide" ] && DYNOXIDE="$HOME/.cargo/bin/dynoxide"
    if [ -z "$DYNOXIDE" ]; then
        echo "compare.sh: installing Dynoxide (cargo install dynoxide-rs; takes minutes)" >&2
        if cargo install dynoxide-rs --locked >"$CACHE/dynoxide-install.log" 2>&1; then
            DYNOXIDE="$HOME/.cargo/bin/dynoxide"
        else
            note "Dynoxide: cargo install dynoxide-rs failed (see $CACHE/dynoxide-install.log); skipped"
        fi
    fi
fi

DYNALITE=""
if wanted dynalite; then
    DYNALITE="$CACHE/dynalite/node_modules/dynalite/cli.js"
    if [ ! -f "$DYNALITE" ]; then
        echo "compare.sh: installing dynalite (npm)" >&2
        if ! npm install --prefix "$CACHE/dynalite" dynalite >"$CACHE/dynalite-install.log" 2>&1; then
            note "dynalite: npm install failed (see $CACHE/dynalite-install.log); skipped"
            DYNALITE=""
        fi
    fi
fi

MOTO=""
if wanted moto; then
    MOTO="$CACHE/moto-venv/bin/moto_server"
    if [ ! -x "$MOTO" ]; then
        echo "compare.sh: installing moto[server] (pip, in a venv)" >&2
        if ! { python3 -m venv "$CACHE/moto-venv" &&
            "$CACHE/moto-venv/bin/pip" install -q 'moto[server]'; } >"$CACHE/moto-install.log" 2>&1; then
            note "moto: pip install 'moto[server]' failed (see $CACHE/moto-install.log); skipped"
            MOTO=""
        fi
    fi
fi

# ---------------------------------------------------------------- runs
COMMON=(--json --concurrency "$CONCURRENCY" --seed 1)

# Runs ddb-bench in the background (so that the EXIT trap can stop it, and
# with it the server it spawned) and appends its JSON lines to $RESULTS.
bench() {
    local name=$1
    shift
    echo "compare.sh: == $name" >&2
    "$BENCH" "$@" >>"$RESULTS" &
    local pid=$!
    PIDS+=("$pid")
    local rc=0
    wait "$pid" || rc=$?
    if [ "$rc" != 0 ]; then
        note "$name: ddb-bench failed (exit $rc); see its output above"
    fi
}

if wanted ours; then
    bench ddb-emulator --server-cmd "$OURS --port {port}" --label "ddb-emulator" \
        --duration "$DURATION" --items "$ITEMS" "${COMMON[@]}"
fi
if wanted embedded; then
    bench "ddb-emulator embedded (1 worker)" --embedded --label "ddb-emulator embedded, 1 worker" \
        --duration "$DURATION" --items "$ITEMS" --json --concurrency 1 --seed 1
    bench "ddb-emulator embedded ($CONCURRENCY tasks)" --embedded \
        --label "ddb-emulator embedded, $CONCURRENCY tasks" --duration "$DURATION" --items "$ITEMS" "${COMMON[@]}"
    # The typed in-process API (PutItem, GetItem, UpdateItem; other phases
    # as above); 100 000 items so the PutItem phase lasts long enough to time.
    bench "ddb-emulator embedded, typed API (1 worker)" --embedded --typed \
        --label "ddb-emulator embedded typed API, 1 worker" --duration "$DURATION" --items 100000 \
        --json --concurrency 1 --seed 1 --phases put,get,update
fi
if [ -n "$DYNOXIDE" ]; then
    bench dynoxide --server-cmd "$DYNOXIDE --host 127.0.0.1 --port {port}" --label "dynoxide" \
        --duration "$DURATION" --items "$ITEMS" "${COMMON[@]}"
fi
if [ -n "$DYNALITE" ]; then
    bench dynalite --server-cmd "node $DYNALITE --host 127.0.0.1 --port {port} --createTableMs 0 --deleteTableMs 0 --updateTableMs 0" \
        --label "dynalite" --duration "$DURATION" --items "$ITEMS" "${COMMON[@]}"
fi
if [ -n "$MOTO" ]; then
    bench moto --server-cmd "$MOTO -H 127.0.0.1 -p {port}" --label "moto (capped: $MOTO_OPS ops, $MOTO_ITEMS items)" \
        --ops "$MOTO_OPS" --scans 3 --items "$MOTO_ITEMS" "${COMMON[@]}" --timeout 120
fi
if wanted reference; then
    port=$(free_port)
    "$BENCH" reference-server --port "$port" >/dev/null 2>&1 &
    REF=$!
    PIDS+=("$REF")
    sleep 0.3
    bench reference-server --endpoint "http://127.0.0.1:$port" --server-pid "$REF" \
        --label "reference server (fixed body)" --phases get --duration "$DURATION" --items 1000 "${COMMON[@]}"
    kill "$REF" 2>/dev/null || true
fi

# ---------------------------------------------------------------- report
version_of() { "$@" 2>/dev/null | head -1 || true; }
CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
MEM=$(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)
REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
DIRTY=$(cd "$ROOT" && { git diff --quiet HEAD -- emulator 2>/dev/null || echo " + uncommitted changes in emulator/"; })
SECTION=$(mktemp)
{
    echo "<!-- compare:begin -->"
    echo "<!-- Generated by bench/compare.sh: edits between these markers are overwritten. -->"
    echo "## Comparison (generated)"
    echo
    echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "- Machine: $(nproc) cores, $CPU, $MEM RAM ($(uname -sr)); load average (1, 5, 15 min) $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    echo "- Command: \`bench/compare.sh${ARGS:+ $ARGS}\` (DURATION=$DURATION s per phase, ITEMS=$ITEMS, CONCURRENCY=$CONCURRENCY, MOTO_OPS=$MOTO_OPS, MOTO_ITEMS=$MOTO_ITEMS)"
    if [ "$BIN_DIR" = "$ROOT/target/release" ]; then
        echo "- ddb-emulator: commit $REV$DIRTY, release build"
    else
        echo "- ddb-emulator: release binaries from \`$BIN_DIR\` (repository at commit $REV)"
    fi
    [ -n "$DYNOXIDE" ] && echo "- Dynoxide: crate $(cargo install --list 2>/dev/null | grep -m1 '^dynoxide-rs ' | cut -d' ' -f2 | tr -d :) (the binary says \"$(version_of "$DYNOXIDE" --version)\"; \`dynoxide --host 127.0.0.1 --port P\`, in memory)"
    [ -n "$DYNALITE" ] && echo "- dynalite: $(node -p "require('$CACHE/dynalite/node_modules/dynalite/package.json').version" 2>/dev/null) on node $(node --version) (in memory, createTableMs/deleteTableMs/updateTableMs 0)"
    [ -n "$MOTO" ] && echo "- moto: $("$CACHE/moto-venv/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null) (\`moto_server -H 127.0.0.1 -p P\`) on $("$CACHE/moto-venv/bin/python" --version 2>&1)"
    echo "- Client: ddb-bench, $CONCURRENCY keep-alive HTTP/1.1 connections (one per worker), real SigV4 signatures, 2 client threads on the same machine as the server; the full Scan runs one scan at a time."
    echo "- Raw results: \`$RESULTS\`"
    if [ -s "$NOTES" ]; then
        echo
        echo "Notes from this run:"
        echo
        cat "$NOTES"
    fi
    echo
    "$BENCH" report "$RESULTS"
    echo "<!-- compare:end -->"
} >"$SECTION"

if [ "$WRITE" = 1 ]; then
    MD=${DDB_BENCH_MD:-$ROOT/BENCHMARKS.md}
    [ -f "$MD" ] || printf '# Benchmarks\n\n' >"$MD"
    # Markers count only alone on their line (the text may mention them).
    if grep -qx '<!-- compare:begin -->' "$MD" && grep -qx '<!-- compare:end -->' "$MD"; then
        awk -v section="$SECTION" '
            $0 == "<!-- compare:begin -->" { while ((getline line < section) > 0) print line; skip = 1; next }
            $0 == "<!-- compare:end -->" { skip = 0; next }
            !skip { print }
        ' "$MD" >"$MD.tmp" && mv "$MD.tmp" "$MD"
    else
        { echo; cat "$SECTION"; } >>"$MD"
    fi
    echo "compare.sh: wrote $MD (raw results: $RESULTS)" >&2
else
    cat "$SECTION"
fi
rm -f "$SECTION"
