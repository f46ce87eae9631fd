//! sfconnect: connect integrations to Salesforce's API and keep them authenticated.
pub mod check;
pub mod cli;
pub mod commands;
pub mod connect;
pub mod log;
pub mod profile;
pub mod salesforce;
pub mod sim;
pub mod tui;
pub mod wizard;
