//! The total score of a pair and its explanation.
