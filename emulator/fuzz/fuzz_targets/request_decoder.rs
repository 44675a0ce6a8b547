//! libFuzzer target: see `harness.rs` (`request_decoder`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    ddb_emulator_fuzz::request_decoder(data);
});
