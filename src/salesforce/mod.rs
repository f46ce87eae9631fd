//! The Salesforce protocol client: login URLs, OAuth grants, SOAP login, REST calls and errors.
//! Knows nothing about the user interface.

pub mod auth;
pub mod device;
pub mod diagnosis;
pub mod error;
pub mod http;
pub mod jwt;
pub mod login_url;
pub mod oauth;
pub mod rest;
pub mod retirements;
pub mod setup_paths;
pub mod soap;
pub mod web;

pub use auth::{Authenticated, Credentials, authenticate};
pub use error::{Cause, SfError};
pub use http::Http;
pub use login_url::LoginUrl;
