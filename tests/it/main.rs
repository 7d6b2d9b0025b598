//! Mint's process-level tests, one binary (each test binary links the whole AWS SDK): a
//! module per area, and `common` for the moto server, the loopback VM and the checks they
//! share.

mod common;

mod admin;
mod answer;
mod bootstrap;
mod connect;
mod cost;
mod demo;
mod dispatch;
mod docs;
mod doctor;
mod egress;
mod errors;
mod idle;
mod interrupt;
mod lifecycle;
mod notify;
mod project;
mod recreate;
mod update;
mod wake;
