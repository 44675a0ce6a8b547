//! Every filter and update operator.
