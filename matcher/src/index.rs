//! A columnar, incrementally updatable index of profiles for fast scans.
