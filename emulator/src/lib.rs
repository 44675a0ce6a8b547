//! `ddb-emulator`: an embedded, in-memory, DynamoDB-compatible emulator.
//!
//! Start one inside a test with [`Emulator::builder`], point any AWS SDK at
//! [`Emulator::endpoint`], and shut it down when done. See `ARCHITECTURE.md`
//! at the repository root for how the pieces fit.

mod clock;
pub mod emulator;
pub mod error;
pub mod expr;
pub mod http;
pub mod ops;
mod server;
pub mod service;
pub mod store;
pub mod ttl;
pub mod value;

pub use emulator::{Builder, Emulator};
pub use error::{Error, ErrorKind};
pub use service::{Config, OperationRecord, Service};
