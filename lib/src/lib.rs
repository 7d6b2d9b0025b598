//! Mint: persistent cloud dev machines on AWS EC2 for Claude Code in devcontainers.
//!
//! All logic lives in this crate; the binaries in `bins/` only call `cli::<tool>::main()`.

pub mod account;
pub mod audit;
pub mod aws;
pub mod bootstrap;
pub mod cli;
pub mod config;
pub mod idle;
pub mod init;
pub mod owner;
pub mod paths;
pub mod project;
pub mod record;
pub mod ssh;
pub mod tags;
pub mod time;
pub mod ui;
pub mod vm;
