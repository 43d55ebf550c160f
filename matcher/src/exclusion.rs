//! Hard exclusions: pairs that never appear in a ranking.
