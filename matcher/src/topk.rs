//! Bounded top-k selection with stable tie-breaking.
