//! libFuzzer target: see `harness.rs` (`partiql_parser`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ddb_emulator_fuzz::partiql_parser(data);
});
