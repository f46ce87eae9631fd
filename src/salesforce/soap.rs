//! SOAP partner `login()`: the request envelope (every value escaped) and its result or fault.

use std::fmt;

use quick_xml::Reader;
use quick_xml::events::Event;
use secrecy::{ExposeSecret, SecretString};

use super::error::{Cause, Result, SfError};
use super::http::{Http, Reply};
use super::login_url::{LoginUrl, check_instance_url};
use super::oauth::password_with_token;

/// login() is gone from API 65.0; 64.0 is the last version that has it (until Summer '27).
pub const SOAP_LOGIN_VERSION: &str = "64.0";

/// How deep a SOAP reply may nest. Salesforce's login reply is 6 levels deep; a reply nested
/// deeper is not one, and would cost memory for every element inside it.
const MAX_DEPTH: usize = 64;
/// How many bytes of element paths a reply may produce in all (each element's path is kept).
const MAX_PATH_BYTES: usize = 4 * 1024 * 1024;

/// Elements of an XML document as (path of local names joined by '/', text), namespace
/// prefixes dropped; enough to read SOAP replies whatever prefixes the server chose. None for
/// anything that is not well-formed XML, nests deeper than `MAX_DEPTH`, or would produce more
/// than `MAX_PATH_BYTES` of paths: a hostile reply cannot make it allocate without bound.
pub fn flatten_xml(body: &[u8]) -> Option<Vec<(String, String)>> {
    let mut reader = Reader::from_reader(body);
    reader.config_mut().trim_text(true);
    // The current path, kept joined; `ends` has where each level starts, to pop it.
    let mut path = String::new();
    let mut ends: Vec<usize> = Vec::new();
    let mut out = Vec::new();
    let mut spent = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(e) => {
                if ends.len() >= MAX_DEPTH {
                    return None;
                }
                ends.push(path.len());
                if !path.is_empty() {
                    path.push('/');
                }
                path.push_str(&String::from_utf8_lossy(e.local_name().as_ref()));
            }
            Event::Empty(e) => {
                let local = e.local_name();
                let name = String::from_utf8_lossy(local.as_ref());
                let key = if path.is_empty() {
                    name.into_owned()
                } else {
                    format!("{path}/{name}")
                };
                // An empty element is its own entry, never joined to the one before.
                spent += key.len();
                if spent > MAX_PATH_BYTES {
                    return None;
                }
                out.push((key, String::new()));
            }
            Event::End(_) => {
                let start = ends.pop()?;
                path.truncate(start);
            }
            Event::Text(t) => {
                let text = t.decode().ok()?;
                let text = quick_xml::escape::unescape(&text).ok()?;
                push_text(&mut out, &mut spent, &path, &text)?;
            }
            Event::CData(t) => {
                let text = String::from_utf8_lossy(&t);
                push_text(&mut out, &mut spent, &path, &text)?;
            }
            Event::GeneralRef(r) => {
                let name = String::from_utf8_lossy(&r);
                let reference = format!("&{name};");
                let text = quick_xml::escape::unescape(&reference).ok()?;
                push_text(&mut out, &mut spent, &path, &text)?;
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    ends.is_empty().then_some(out)
}

/// Append text to the element at `key`, joining pieces split by entity references; None once
/// the paths kept pass `MAX_PATH_BYTES`.
fn push_text(
    out: &mut Vec<(String, String)>,
    spent: &mut usize,
    key: &str,
    text: &str,
) -> Option<()> {
    match out.last_mut() {
        Some((k, v)) if k == key => v.push_str(text),
        _ => {
            *spent += key.len();
            if *spent > MAX_PATH_BYTES {
                return None;
            }
            out.push((key.to_string(), text.to_string()));
        }
    }
    Some(())
}

/// The first element whose path ends with `suffix` (local names, e.g. "result/serverUrl").
pub fn find<'a>(doc: &'a [(String, String)], suffix: &str) -> Option<&'a str> {
    doc.iter()
        .find(|(k, _)| k == suffix || k.ends_with(&format!("/{suffix}")))
        .map(|(_, v)| v.as_str())
}

/// Escape text for XML element content and attributes.
pub fn escape(text: &str) -> String {
    quick_xml::escape::escape(text).into_owned()
}

/// The login() request body. The password is immediately followed by the security token.
pub fn login_envelope(username: &str, password_and_token: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:urn="urn:partner.soap.sforce.com">
  <soapenv:Header><urn:CallOptions><urn:client>sfconnect</urn:client></urn:CallOptions></soapenv:Header>
  <soapenv:Body><urn:login><urn:username>{}</urn:username><urn:password>{}</urn:password></urn:login></soapenv:Body>
</soapenv:Envelope>"#,
        escape(username),
        escape(password_and_token)
    )
}

/// A successful login(): a session to use as a Bearer token on the REST API.
pub struct SoapLogin {
    pub session_id: SecretString,
    pub server_url: String,
    /// Scheme and host of `serverUrl`: where REST calls go.
    pub instance_url: String,
    pub user_id: String,
    pub org_id: String,
    pub username: String,
    pub user_full_name: String,
    pub user_email: String,
    pub org_name: String,
    pub profile_id: String,
    pub password_expired: bool,
    pub sandbox: bool,
    pub session_seconds_valid: Option<u64>,
}

impl fmt::Debug for SoapLogin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SoapLogin")
            .field("instance_url", &self.instance_url)
            .field("user_id", &self.user_id)
            .field("org_id", &self.org_id)
            .field("username", &self.username)
            .field("password_expired", &self.password_expired)
            .field("sandbox", &self.sandbox)
            .finish_non_exhaustive()
    }
}

/// Call login() on `host` (partner endpoint, API 64.0).
pub async fn login(
    http: &Http,
    host: &LoginUrl,
    username: &str,
    password: &SecretString,
    security_token: Option<&SecretString>,
) -> Result<SoapLogin> {
    let joined = password_with_token(password, security_token);
    let body = login_envelope(username, joined.expose_secret());
    let reply = http
        .send(
            http.client()
                .post(host.endpoint(&format!("/services/Soap/u/{SOAP_LOGIN_VERSION}")))
                .header("Content-Type", "text/xml; charset=UTF-8")
                .header("SOAPAction", "login")
                .body(body),
        )
        .await?;
    let result = parse_login_reply(&reply)?;
    check_instance_url(&result.instance_url, host)
        .map_err(|e| SfError::new(Cause::InstanceUrlRejected).with_context(e.to_string()))?;
    super::login_url::check_ids(&result.org_id, &result.user_id)?;
    Ok(result)
}

/// Read a login() reply: a LoginResult, a fault, or something that is not SOAP at all.
pub fn parse_login_reply(reply: &Reply) -> Result<SoapLogin> {
    if reply.is_html() {
        return Err(reply.html_error());
    }
    let malformed = || {
        SfError::new(Cause::MalformedResponse).with_context(format!(
            "SOAP reply (HTTP {}) is not valid XML",
            reply.status
        ))
    };
    let doc = flatten_xml(&reply.body).ok_or_else(malformed)?;
    if let Some(faultcode) = find(&doc, "Fault/faultcode") {
        let code = find(&doc, "exceptionCode")
            .unwrap_or_else(|| faultcode.rsplit(':').next().unwrap_or(faultcode));
        let message = find(&doc, "exceptionMessage")
            .map(str::to_string)
            .or_else(|| {
                find(&doc, "Fault/faultstring").map(|s| {
                    s.strip_prefix(&format!("{code}: "))
                        .unwrap_or(s)
                        .to_string()
                })
            })
            .unwrap_or_default();
        return Err(SfError::from_soap_fault(code, &message));
    }
    if reply.status != 200 {
        return Err(if reply.status >= 500 {
            SfError::new(Cause::ServerUnavailable).with_context(format!("HTTP {}", reply.status))
        } else {
            SfError::new(Cause::UnexpectedStatus).with_context(format!("HTTP {}", reply.status))
        });
    }
    let field = |name: &str| find(&doc, &format!("result/{name}")).map(str::to_string);
    let info = |name: &str| {
        find(&doc, &format!("userInfo/{name}"))
            .unwrap_or_default()
            .to_string()
    };
    let missing = |what: &str| {
        SfError::new(Cause::MalformedResponse).with_context(format!("login result lacks {what}"))
    };
    let server_url = field("serverUrl").ok_or_else(|| missing("serverUrl"))?;
    let session_id = field("sessionId").ok_or_else(|| missing("sessionId"))?;
    let parsed = url::Url::parse(&server_url).map_err(|_| missing("a valid serverUrl"))?;
    let instance_url = parsed.origin().ascii_serialization();
    Ok(SoapLogin {
        session_id: SecretString::from(session_id),
        server_url,
        instance_url,
        user_id: field("userId").unwrap_or_else(|| info("userId")),
        org_id: info("organizationId"),
        // Server text that is saved and printed: made printable like every other.
        username: super::error::printable(&info("userName")),
        user_full_name: super::error::printable(&info("userFullName")),
        user_email: info("userEmail"),
        org_name: info("organizationName"),
        profile_id: info("profileId"),
        password_expired: field("passwordExpired").as_deref() == Some("true"),
        sandbox: field("sandbox").as_deref() == Some("true"),
        session_seconds_valid: find(&doc, "userInfo/sessionSecondsValid")
            .and_then(|s| s.parse().ok()),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn deep_or_huge_replies_fail_typed_without_allocating_per_level() {
        // 1 MB that once asked for tens of GB: 150 000 nested elements, then 150 000 empty ones.
        let hostile = format!("{}{}", "<a>".repeat(150_000), "<b/>".repeat(150_000));
        assert!(super::flatten_xml(hostile.as_bytes()).is_none());
        let reply = crate::salesforce::http::Reply {
            status: 200,
            content_type: "text/xml".into(),
            body: bytes::Bytes::from(hostile.clone().into_bytes()),
        };
        let e = super::parse_login_reply(&reply).unwrap_err();
        assert_eq!(e.cause, crate::salesforce::Cause::MalformedResponse);
        // Within the bound, nesting still reads.
        let nested = format!("{}x{}", "<a>".repeat(60), "</a>".repeat(60));
        let doc = super::flatten_xml(nested.as_bytes()).unwrap();
        assert_eq!(doc.len(), 1);
        // Many wide paths: the total is bounded too.
        let wide = format!("<{n}>{}</{n}>", "<b/>".repeat(10_000), n = "a".repeat(1000));
        assert!(super::flatten_xml(wide.as_bytes()).is_none());
    }

    use super::*;

    #[test]
    fn envelope_escapes_every_special_character() {
        let env = login_envelope("a&b<c>@x.com", r#"p&<>"'%+ /\{}[]éTOKEN"#);
        assert!(env.contains("<urn:username>a&amp;b&lt;c&gt;@x.com</urn:username>"));
        assert!(
            env.contains("p&amp;&lt;&gt;&quot;&apos;%+ /\\{}[]éTOKEN"),
            "{env}"
        );
        let doc = flatten_xml(env.as_bytes()).unwrap();
        assert_eq!(
            find(&doc, "login/password"),
            Some(r#"p&<>"'%+ /\{}[]éTOKEN"#)
        );
    }

    #[test]
    fn fault_with_bare_faultcode_and_no_detail() {
        let body = br#"<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>INVALID_LOGIN</faultcode><faultstring>INVALID_LOGIN: Invalid username, password, security token; or user locked out.</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>"#;
        let reply = Reply {
            status: 500,
            content_type: "text/xml".into(),
            body: bytes::Bytes::from_static(body),
        };
        let e = parse_login_reply(&reply).unwrap_err();
        assert_eq!(e.cause, Cause::InvalidLogin);
        assert_eq!(
            e.wire.unwrap().message,
            "Invalid username, password, security token; or user locked out."
        );
    }

    #[test]
    fn truncated_xml_is_a_typed_error() {
        let reply = Reply {
            status: 200,
            content_type: "text/xml".into(),
            body: bytes::Bytes::from_static(b"<soapenv:Envelope><soapenv:Body><loginResponse>"),
        };
        assert_eq!(
            parse_login_reply(&reply).unwrap_err().cause,
            Cause::MalformedResponse
        );
    }
}
