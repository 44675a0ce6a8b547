//! Message texts of the control-plane operations (tables, indexes, TTL, tags).
