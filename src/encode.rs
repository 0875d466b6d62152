//! Encoding (stub).
