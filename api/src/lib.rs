//! # musubi-api — the Musubi service
//!
//! HTTP API (actix-web), persistence (sea-orm on PostgreSQL or embedded SQLite),
//! authentication (argon2id, JWT) and the scoring bridge to `musubi-matcher`.
//! The `musubi` binary (`cli/`) is thin: everything lives here so the end-to-end tests
//! can build the same [`startup::Application`] on port 0. The demo loader is a crate of
//! its own (`demo/`), outside the library that serves requests.

pub mod access;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod email;
pub mod entities;
pub mod error;
pub mod extract;
pub mod idempotency;
pub mod metrics;
pub mod ranking;
pub mod repo;
pub mod routes;
pub mod scoring;
pub mod security_headers;
pub mod services;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
