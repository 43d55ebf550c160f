//! The professional's side of a pair, and the reciprocal (harmonic) score.
