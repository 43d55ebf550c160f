//! # musubi-api — the Musubi service
//!
//! HTTP API (actix-web), persistence (sea-orm on PostgreSQL or embedded SQLite),
//! authentication (argon2id, JWT) and the scoring bridge to `musubi-matcher`.
//! `main.rs` is thin: everything lives here so the end-to-end tests can build the same
//! [`startup::Application`] on port 0.

pub mod access;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
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
