//! libFuzzer target: see `harness.rs` (`whole_request`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ddb_emulator_fuzz::whole_request(data);
});
