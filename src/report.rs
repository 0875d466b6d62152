//! Reporting (stub).
