//! Browser login (authorization code + PKCE): the authorize URL, and reading the redirect back.

use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::{constant_time, digest};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::percent_decode_str;
use secrecy::SecretString;

use super::error::{Cause, Result, SfError, printable};
use super::login_url::LoginUrl;

/// Scopes an integration needs: API access and a refresh token for unattended use.
pub const DEFAULT_SCOPES: &str = "api refresh_token offline_access";

/// One browser-login attempt: the PKCE verifier and the state that ties the redirect to it.
pub struct Pkce {
    pub verifier: SecretString,
    pub challenge: String,
    pub state: String,
}

fn random_token(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    SystemRandom::new()
        .fill(&mut buf)
        .map_err(|_| SfError::new(Cause::Other).with_context("no secure random numbers"))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

impl Pkce {
    /// A fresh verifier (86 characters, inside RFC 7636's 43–128), its S256 challenge and a state.
    pub fn generate() -> Result<Self> {
        let verifier = random_token(64)?;
        let challenge = s256_challenge(&verifier);
        Ok(Self {
            verifier: SecretString::from(verifier),
            challenge,
            state: random_token(24)?,
        })
    }
}

/// `BASE64URL(SHA256(verifier))` without padding.
pub fn s256_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(digest::digest(&digest::SHA256, verifier.as_bytes()).as_ref())
}

/// What goes into the authorize URL.
pub struct AuthorizeRequest<'a> {
    pub client_id: &'a str,
    pub redirect_uri: &'a str,
    pub scope: &'a str,
    pub pkce: &'a Pkce,
    /// `login` forces a fresh login page even when a browser session exists.
    pub prompt: Option<&'a str>,
    pub login_hint: Option<&'a str>,
}

/// The URL to open in a browser.
pub fn authorize_url(host: &LoginUrl, req: &AuthorizeRequest<'_>) -> String {
    let mut url = url::Url::parse(&host.endpoint("/services/oauth2/authorize"))
        .unwrap_or_else(|_| unreachable!("a parsed login URL plus a fixed path is a valid URL"));
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("response_type", "code")
            .append_pair("client_id", req.client_id)
            .append_pair("redirect_uri", req.redirect_uri)
            .append_pair("scope", req.scope)
            .append_pair("state", &req.pkce.state)
            .append_pair("code_challenge", &req.pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(p) = req.prompt {
            q.append_pair("prompt", p);
        }
        if let Some(h) = req.login_hint {
            q.append_pair("login_hint", h);
        }
    }
    url.to_string()
}

/// Read what the user pasted after a browser login: the whole redirect address, its query
/// string, or the bare code. The code is percent-decoded exactly once (Salesforce codes end in
/// `==`, sent as `%3D%3D`); `+` is kept literally because codes never contain spaces.
/// Error redirects (`error=access_denied…`) become their typed errors.
pub fn read_redirect(pasted: &str, expected_state: &str) -> Result<SecretString> {
    let text = pasted.trim();
    // Text copied from Salesforce's own error page, which never redirects back.
    for (page_code, cause) in [
        ("OAUTH_APPROVAL_ERROR_GENERIC", Cause::AppNotInstalled),
        (
            "OAUTH_EC_APP_NOT_FOUND",
            Cause::ExternalClientAppNotInstalled,
        ),
    ] {
        if text.contains(page_code) {
            return Err(
                SfError::new(cause).with_context(format!("Salesforce's page said {page_code}"))
            );
        }
    }
    let query = match text.find('?') {
        Some(i) => &text[i + 1..],
        None if text.contains("code=") || text.contains("error=") => text,
        None => {
            return bare_code(text);
        }
    };
    let query = query.split('#').next().unwrap_or_default();
    let mut code = None;
    let mut state = None;
    let mut error = None;
    let mut description = String::new();
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let decoded = || percent_decode_str(value).decode_utf8_lossy().into_owned();
        match key {
            "code" => code = Some(decoded()),
            "state" => state = Some(decoded()),
            "error" => error = Some(decoded()),
            "error_description" => description = decoded().replace('+', " "),
            _ => {}
        }
    }
    let state_ok = state.as_ref().is_some_and(|s| {
        constant_time::verify_slices_are_equal(s.as_bytes(), expected_state.as_bytes()).is_ok()
    });
    // An error with another login's state is not this login's to end. Text with no state at
    // all is what Salesforce's own error page shows (pasted by the user) and is explained.
    if let Some(error) = error {
        if state.is_some() && !state_ok {
            return Err(SfError::new(Cause::StateMismatch).with_context(format!(
                "an '{}' redirect of another login",
                printable(&error)
            )));
        }
        return Err(SfError::from_oauth(None, &error, &description));
    }
    let code = code
        .filter(|c| !c.is_empty())
        .ok_or_else(|| SfError::new(Cause::RedirectWithoutCode))?;
    if !state_ok {
        return Err(SfError::new(Cause::StateMismatch));
    }
    Ok(SecretString::from(code))
}

/// Salesforce consumer keys start with `3MVG` and run to 80 characters or more; codes are
/// shorter and never start so.
fn looks_like_consumer_key(text: &str) -> bool {
    text.starts_with("3MVG")
        && text.len() >= 60
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
}

/// What was pasted, in words that let the user recognise it without showing the code: the
/// address's host and path and whether it holds a code, an error, or what else it is.
pub fn describe_paste(pasted: &str) -> String {
    let text = pasted.trim();
    if text.is_empty() {
        return String::new();
    }
    if looks_like_consumer_key(text) {
        return "a consumer key, not the address the browser landed on".into();
    }
    if text.contains("OAUTH_APPROVAL_ERROR_GENERIC") || text.contains("OAUTH_EC_APP_NOT_FOUND") {
        return "text from Salesforce's error page".into();
    }
    let query = text.split_once('?').map(|(_, q)| q);
    let holds = |key: &str| {
        query.unwrap_or(text).split(['&', '#']).any(|pair| {
            pair.split_once('=')
                .is_some_and(|(k, v)| k == key && !v.is_empty())
        })
    };
    let contents = if holds("error") {
        "holds an error"
    } else if holds("code") {
        "holds a code"
    } else {
        "holds no code"
    };
    match url::Url::parse(text) {
        Ok(u) => format!(
            "{}://{}{}{} ({contents})",
            u.scheme(),
            printable(u.host_str().unwrap_or_default()),
            u.port().map(|p| format!(":{p}")).unwrap_or_default(),
            printable(u.path())
        ),
        Err(_)
            if query.is_some()
                || ["code=", "error=", "state=", "&"]
                    .iter()
                    .any(|p| text.contains(p)) =>
        {
            format!("a query string ({contents})")
        }
        Err(_) => format!("a bare code ({} characters)", text.chars().count()),
    }
}

/// Whether `pasted` is a bare code rather than an address or its query: it carries no `state`,
/// so nothing shows it came from this login.
pub fn is_bare_code(pasted: &str) -> bool {
    let text = pasted.trim();
    !text.is_empty()
        && !text.contains("://")
        && !text.contains('?')
        && !text.contains("code=")
        && !text.contains("error=")
        && !looks_like_consumer_key(text)
        && !text.contains("OAUTH_")
}

/// Read a request to the callback listener: as `read_redirect`, but nothing counts without
/// this login's state, error redirects included. Any local user, or a web page, can send the
/// listener `?error=access_denied`; that must not end the login.
pub fn read_callback(query: &str, expected_state: &str) -> Result<SecretString> {
    let params = query.split_once('?').map_or(query, |(_, q)| q);
    let state_ok = params
        .split(['&', '#'])
        .filter_map(|pair| pair.split_once('='))
        .any(|(k, v)| {
            k == "state"
                && constant_time::verify_slices_are_equal(
                    percent_decode_str(v).decode_utf8_lossy().as_bytes(),
                    expected_state.as_bytes(),
                )
                .is_ok()
        });
    if !state_ok {
        return Err(SfError::new(Cause::StateMismatch)
            .with_context("a request to the callback listener without this login's state"));
    }
    read_redirect(query, expected_state)
}

fn bare_code(text: &str) -> Result<SecretString> {
    if looks_like_consumer_key(text) {
        return Err(SfError::new(Cause::RedirectWithoutCode).with_context(
            "what was pasted is the app's consumer key (it starts with 3MVG), not the address the browser landed on",
        ));
    }
    let code = percent_decode_str(text).decode_utf8_lossy().into_owned();
    let plausible = code.len() >= 8
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "=+/._-".contains(c));
    if !plausible {
        return Err(SfError::new(Cause::RedirectWithoutCode));
    }
    Ok(SecretString::from(code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use secrecy::ExposeSecret;

    #[test]
    fn a_paste_is_described_without_its_code() {
        let redirect = "http://localhost:1717/OauthRedirect?code=aPrx4sTl%3D%3D&state=abc";
        let said = describe_paste(redirect);
        assert_eq!(said, "http://localhost:1717/OauthRedirect (holds a code)");
        assert!(!said.contains("aPrx"));
        assert_eq!(
            describe_paste("http://localhost:1717/OauthRedirect?error=access_denied&state=x"),
            "http://localhost:1717/OauthRedirect (holds an error)"
        );
        assert_eq!(
            describe_paste("https://example.com/some/page"),
            "https://example.com/some/page (holds no code)"
        );
        assert_eq!(
            describe_paste("aPrx4sTlQWERTY=="),
            "a bare code (16 characters)"
        );
        // An address without a query is an address with no code, not a bare code.
        assert!(is_bare_code("aPrx2/7xHhqK+GvD7q=="));
        assert!(!is_bare_code("https://example.com/nothing"));
        assert!(!is_bare_code(
            "http://localhost:1717/OauthRedirect?code=x&state=y"
        ));
        let key = format!("3MVG9{}", "A".repeat(80));
        assert_eq!(
            describe_paste(&key),
            "a consumer key, not the address the browser landed on"
        );
        let err = read_redirect(&key, "abc").unwrap_err();
        assert_eq!(err.cause, Cause::RedirectWithoutCode);
        assert!(err.to_string().contains("consumer key"), "{err}");
        assert_eq!(describe_paste("  "), "");
    }

    #[test]
    fn challenge_matches_rfc7636_example() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM" // RFC 7636 appendix B
        );
        let p = Pkce::generate().unwrap();
        let len = p.verifier.expose_secret().len();
        assert!((43..=128).contains(&len), "{len}");
        assert_ne!(p.state, Pkce::generate().unwrap().state);
    }

    #[test]
    fn redirect_code_is_decoded_exactly_once() {
        let url = "http://localhost:1717/OauthRedirect?code=aPrx4sg%2BZ%2Fab%3D%3D&state=s1";
        let code = read_redirect(url, "s1").unwrap();
        assert_eq!(code.expose_secret(), "aPrx4sg+Z/ab==");
        // A code whose encoded form itself contains %25 must not be decoded twice.
        let code = read_redirect("?code=ab%253D&state=s1", "s1").unwrap();
        assert_eq!(code.expose_secret(), "ab%3D");
        let code = read_redirect("  aPrx4sg%2BZab%3D%3D\n", "ignored").unwrap();
        assert_eq!(code.expose_secret(), "aPrx4sg+Zab==");
        let code = read_redirect("aPrx4sg+Zab==", "ignored").unwrap();
        assert_eq!(code.expose_secret(), "aPrx4sg+Zab==");
    }

    #[test]
    fn redirect_state_and_errors_are_checked() {
        let e = read_redirect("https://x/cb?code=abc%3D%3D&state=other", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::StateMismatch);
        let e = read_redirect("https://x/cb?code=abc%3D%3D", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::StateMismatch);
        let e = read_redirect(
            "https://x/cb?error=access_denied&error_description=end-user+denied+authorization&state=mine",
            "mine",
        )
        .unwrap_err();
        assert_eq!(e.cause, Cause::AccessDenied);
        assert!(e.to_string().contains("end-user denied authorization"));
        let e = read_redirect(
            "https://x/cb?error=invalid_client&error_description=app+must+be+installed+into+org",
            "mine",
        )
        .unwrap_err();
        assert_eq!(e.cause, Cause::AppNotInstalled);
        // Another login's error redirect is not this one's to end; the listener takes none
        // without this login's state.
        let e = read_redirect("https://x/cb?error=access_denied&state=theirs", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::StateMismatch);
        let e = read_callback("?error=access_denied", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::StateMismatch);
        let e = read_callback("?error=access_denied&state=mine", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::AccessDenied);
        assert!(read_callback("?code=abc%3D%3D&state=mine", "mine").is_ok());
        let e = read_redirect("https://x/cb?state=mine", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::RedirectWithoutCode);
        let e = read_redirect("hello world", "mine").unwrap_err();
        assert_eq!(e.cause, Cause::RedirectWithoutCode);
    }

    #[test]
    fn authorize_url_carries_pkce_and_state() {
        let p = Pkce::generate().unwrap();
        let url = authorize_url(
            &LoginUrl::production(),
            &AuthorizeRequest {
                client_id: "3MVGkey",
                redirect_uri: "http://localhost:1717/OauthRedirect",
                scope: DEFAULT_SCOPES,
                pkce: &p,
                prompt: Some("login"),
                login_hint: None,
            },
        );
        assert!(url.starts_with("https://login.salesforce.com/services/oauth2/authorize?response_type=code&client_id=3MVGkey&redirect_uri=http%3A%2F%2Flocalhost%3A1717%2FOauthRedirect"), "{url}");
        assert!(url.contains(&format!("code_challenge={}", p.challenge)));
        assert!(url.contains("code_challenge_method=S256"));
        assert!(url.contains(&format!("state={}", p.state)));
        assert!(!url.contains(p.verifier.expose_secret()));
    }
}
