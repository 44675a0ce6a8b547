#!/usr/bin/env bash
# Fuzzes every target for a short while with libFuzzer (nightly Rust).
#
#   emulator/fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]
#
# Default: 10 seconds each for request_decoder, expression_parser,
# whole_request, partiql_parser. Uses `cargo fuzz` when it is installed; otherwise builds the
# targets itself with the same instrumentation flags cargo-fuzz passes
# (coverage counters and comparison tracing; no AddressSanitizer: the code
# under test is safe Rust). New inputs go to a scratch directory; the
# committed corpus (corpus/<target>) is only read. A crash, a panic or a
# 5xx answer fails the run; the reproducer is left in artifacts/<target>/.
# Without a nightly toolchain it prints why and exits 0: the committed
# corpus still runs on stable in emulator/tests/fuzz_corpus.rs.
set -euo pipefail
cd "$(dirname "$0")"
secs=${1:-10}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(request_decoder expression_parser whole_request partiql_parser)
fi
if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain; skipped (the corpus runs on stable: cargo test -p ddb-emulator --test fuzz_corpus)"
  exit 0
fi
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  runner() { cargo +nightly fuzz run "$1" "$2" "corpus/$1" -- "${@:3}"; }
else
  export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
  cargo +nightly build --release --bins --target "$triple" --target-dir target
  runner() { "target/$triple/release/$1" "$2" "corpus/$1" "${@:3}"; }
fi
status=0
for t in "${targets[@]}"; do
  scratch=$(mktemp -d)
  mkdir -p "artifacts/$t"
  echo "fuzz: $t for ${secs}s"
  if ! runner "$t" "$scratch" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="artifacts/$t/" -print_final_stats=1; then
    echo "fuzz: $t FAILED (reproducer in emulator/fuzz/artifacts/$t/)"
    status=1
  fi
  rm -rf "$scratch"
done
exit $status
