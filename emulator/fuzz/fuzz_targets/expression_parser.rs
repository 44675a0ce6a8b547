//! libFuzzer target: see `harness.rs` (`expression_parser`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ddb_emulator_fuzz::expression_parser(data);
});
