//! Region-wide assignment as an exact min-cost-flow b-matching.
