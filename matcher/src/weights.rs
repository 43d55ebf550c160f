//! Per-region factor weights, validated and normalised.
