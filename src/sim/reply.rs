//! Answers shaped exactly like Salesforce's: OAuth JSON errors, REST error arrays, SOAP faults, HTML pages.

use std::collections::HashMap;

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use quick_xml::escape::partial_escape as escape;

pub const JSON_UTF8: &str = "application/json;charset=UTF-8";
/// Largest request body the simulated org reads.
const MAX_REQUEST: usize = 1024 * 1024;

fn with_type(status: StatusCode, content_type: &'static str, body: impl Into<Body>) -> Response {
    let mut r = (status, body.into()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

pub fn json(status: StatusCode, value: &Value) -> Response {
    with_type(status, JSON_UTF8, value.to_string())
}

/// A token-endpoint error: HTTP 400, `{"error","error_description"}`, not cacheable.
pub fn oauth_error(error: &str, description: &str) -> Response {
    let mut r = json(
        StatusCode::BAD_REQUEST,
        &serde_json::json!({"error": error, "error_description": description}),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A REST error: a JSON array of `{"message","errorCode"}`.
pub fn rest_error(status: StatusCode, code: &str, message: &str) -> Response {
    json(
        status,
        &serde_json::json!([{"message": message, "errorCode": code}]),
    )
}

pub fn soap_fault(code: &str, message: &str, login_fault: bool) -> Response {
    let fault_type = if login_fault {
        "LoginFault"
    } else {
        "UnexpectedErrorFault"
    };
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>sf:{code}</faultcode><faultstring>{code}: {msg}</faultstring><detail><sf:{fault_type} xsi:type="sf:{fault_type}"><sf:exceptionCode>{code}</sf:exceptionCode><sf:exceptionMessage>{msg}</sf:exceptionMessage></sf:{fault_type}></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#,
        msg = escape(message)
    );
    with_type(
        StatusCode::INTERNAL_SERVER_ERROR,
        "text/xml;charset=UTF-8",
        body,
    )
}

pub fn soap_ok(body: String) -> Response {
    with_type(StatusCode::OK, "text/xml;charset=UTF-8", body)
}

pub fn html(status: StatusCode, title: &str, body_html: &str) -> Response {
    let page = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{}</title></head><body>{body_html}</body></html>",
        escape(title)
    );
    with_type(status, "text/html;charset=UTF-8", page)
}

pub fn text(status: StatusCode, body: &'static str) -> Response {
    with_type(status, "text/plain;charset=UTF-8", body)
}

/// A 302 to `location`.
pub fn redirect(location: &str) -> Response {
    let mut r = StatusCode::FOUND.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

pub fn maintenance_page(status: StatusCode) -> Response {
    html(
        status,
        "Salesforce - Maintenance",
        "<h1>Down for Maintenance</h1><p>This org is unavailable while Salesforce performs scheduled maintenance. Please try again later.</p>",
    )
}

/// Request fields from a form body: url-encoded or multipart (any transfer encoding).
/// Anything else (JSON, say) yields no fields, as Salesforce ignores such bodies.
pub async fn form_fields(req: Request) -> HashMap<String, String> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let mut fields = HashMap::new();
    if let Some(query) = req.uri().query() {
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            fields.insert(k.into_owned(), v.into_owned());
        }
    }
    if content_type.starts_with("multipart/form-data") {
        if let Ok(mut multipart) = Multipart::from_request(req, &()).await {
            while let Ok(Some(field)) = multipart.next_field().await {
                let name = field.name().unwrap_or_default().to_string();
                if let Ok(value) = field.text().await {
                    fields.insert(name, value);
                }
            }
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded")
        && let Ok(bytes) = to_bytes(req.into_body(), MAX_REQUEST).await
    {
        for (k, v) in url::form_urlencoded::parse(&bytes) {
            fields.insert(k.into_owned(), v.into_owned());
        }
    }
    fields
}

/// The whole request body, bounded.
pub async fn body_bytes(req: Request) -> Option<bytes::Bytes> {
    to_bytes(req.into_body(), MAX_REQUEST).await.ok()
}
