//! Mint: persistent cloud dev machines on AWS EC2 for Claude Code in devcontainers.
//!
//! All logic lives in this crate; the binaries in `bins/` only call `cli::<tool>::main()`.
//! Only what the binaries and tests use is `pub`, so the compiler reports dead code.

pub mod bootstrap;
pub mod cli;

pub(crate) mod account;
pub(crate) mod admin;
pub(crate) mod audit;
pub(crate) mod aws;
pub(crate) mod config;
pub(crate) mod cost;
pub(crate) mod doctor;
pub(crate) mod egress;
pub(crate) mod fs;
pub(crate) mod host_options;
pub(crate) mod idle;
pub(crate) mod init;
pub(crate) mod instance_type;
pub(crate) mod last_stop;
pub(crate) mod owner;
pub(crate) mod paths;
pub(crate) mod project;
pub(crate) mod record;
pub mod release;
pub(crate) mod ssh;
pub(crate) mod tags;
pub(crate) mod time;
pub(crate) mod tools;
pub(crate) mod ui;
pub(crate) mod version;
pub(crate) mod view;
pub(crate) mod vm;
