//! Musubi.
