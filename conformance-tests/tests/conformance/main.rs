//! Black-box conformance tests: the emulator driven through aws-sdk-dynamodb.
//! One test binary (the SDK is slow to link), one module per area.

mod embedding;
mod items_basic;
mod protocol;
