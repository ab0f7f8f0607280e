//! Integration tests: the real server on a free port, a fresh database per test,
//! every test run on SQLite and on PostgreSQL.

mod abandon;
mod agents;
mod app_calls;
mod bank;
mod bursts;
mod crash;
mod devices;
mod hardening;
mod helpers;
mod limits;
mod messages;
mod migrations;
mod money;
mod operations;
mod payment;
mod processing;
mod reconciliation;
mod reference;
mod refunds;
mod render;
mod scale_out;
mod sign_in;
mod terminal;
