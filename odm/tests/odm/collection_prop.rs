//! find against an in-memory reference.
