//! The seven factors of the Shiojiri model, each in [0, 1] with reasons.
