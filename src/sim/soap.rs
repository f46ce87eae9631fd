//! `POST /services/Soap/u/{version}`: the partner API's login(), with its version gates and faults.

use std::net::IpAddr;

use axum::response::Response;

use super::reply::{soap_fault, soap_ok};
use super::state::{PasswordCheck, SessionInfo};
use super::{Host, Role};
use crate::salesforce::soap::{find, flatten_xml};
use quick_xml::escape::partial_escape as escape;

const INVALID_LOGIN: &str = "Invalid username, password, security token; or user locked out.";
const MUST_USE_TOKEN: &str = "Invalid username, password, security token; or user locked out. Are you at a new location? When accessing Salesforce--either via a desktop client or the API--from outside of your company's trusted networks, you must add a security token to your password to log in. To get your new security token, log in to Salesforce. From your personal settings, enter Reset My Security Token in the Quick Find box, then select Reset My Security Token.";

pub fn handle(host: &Host, ip: IpAddr, version: &str, body: &[u8]) -> Response {
    let Some(doc) = flatten_xml(body) else {
        return soap_fault(
            "UNKNOWN_EXCEPTION",
            "Premature end of file or malformed request: The reference to entity must end with the ';' delimiter.",
            false,
        );
    };
    if find(&doc, "Body/login").is_none() && find(&doc, "login/username").is_none() {
        return soap_fault(
            "INVALID_OPERATION",
            "Only login() is implemented by the simulated org.",
            false,
        );
    }
    let number: f64 = version.parse().unwrap_or(0.0);
    if number <= 30.0 {
        return soap_fault(
            "UNSUPPORTED_API_VERSION",
            &format!("Invalid Api version specified on URL: {version}"),
            true,
        );
    }
    if number >= 65.0 {
        return soap_fault(
            "INVALID_OPERATION",
            &format!(
                "The SOAP Login operation is not available in the API version specified ({version}). Refer to the documentation for supported versions."
            ),
            true,
        );
    }
    let username = find(&doc, "login/username").unwrap_or_default().to_string();
    let password = find(&doc, "login/password").unwrap_or_default().to_string();
    let mut live = host.shared.lock();
    if !live.scenario.org.soap_login_enabled {
        return soap_fault(
            "INVALID_OPERATION",
            "SOAP API login() is disabled by default in this org. Contact the org administrator to enable SOAP API login().",
            true,
        );
    }
    if host.role == Role::Login && live.scenario.org.require_my_domain_login {
        return soap_fault("INVALID_LOGIN", INVALID_LOGIN, true);
    }
    match live.check_password(&username, &password, ip) {
        PasswordCheck::Ok => {}
        PasswordCheck::TokenMissing => {
            return soap_fault("LOGIN_MUST_USE_SECURITY_TOKEN", MUST_USE_TOKEN, true);
        }
        PasswordCheck::IpRestricted => {
            return soap_fault(
                "LOGIN_DURING_RESTRICTED_DOMAIN",
                "You are not allowed to log in from this IP address.",
                true,
            );
        }
        PasswordCheck::Wrong | PasswordCheck::LockedOut | PasswordCheck::Inactive => {
            return soap_fault("INVALID_LOGIN", INVALID_LOGIN, true);
        }
    }
    let Some(user) = live.user(&username).cloned() else {
        return soap_fault("INVALID_LOGIN", INVALID_LOGIN, true);
    };
    if !live.scenario.org.api_enabled {
        return soap_fault(
            "API_DISABLED_FOR_ORG",
            "API is not enabled for this Organization or Partner",
            true,
        );
    }
    if !user.api_enabled {
        return soap_fault(
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
            true,
        );
    }
    if live.scenario.org.soap_login_requires_use_any_api_auth && !user.use_any_api_auth {
        return soap_fault(
            "INSUFFICIENT_ACCESS",
            "The user does not have the Use Any API Auth permission required for SOAP API login().",
            true,
        );
    }
    live.login_history
        .push(super::login_history::served(&user, None, Some(version)));
    let session = live.new_session(SessionInfo {
        username: user.username.clone(),
        consumer_key: None,
        scope: "api web full".into(),
        expired_password: user.password_expired,
    });
    let org = &live.scenario.org;
    let org15 = live.org_id15();
    let instance = &host.shared.instance_url;
    let role_id = r#"<roleId xsi:nil="true"/>"#;
    let body = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><loginResponse><result><metadataServerUrl>{instance}/services/Soap/m/{version}/{org15}</metadataServerUrl><passwordExpired>{expired}</passwordExpired><sandbox>{sandbox}</sandbox><serverUrl>{instance}/services/Soap/u/{version}/{org15}</serverUrl><sessionId>{session}</sessionId><userId>{user_id}</userId><userInfo><accessibilityMode>false</accessibilityMode><chatterExternal>false</chatterExternal><currencySymbol>$</currencySymbol><orgAttachmentFileSizeLimit>5242880</orgAttachmentFileSizeLimit><orgDefaultCurrencyIsoCode>USD</orgDefaultCurrencyIsoCode><orgDefaultCurrencyLocale>en_US</orgDefaultCurrencyLocale><orgDisallowHtmlAttachments>false</orgDisallowHtmlAttachments><orgHasPersonAccounts>false</orgHasPersonAccounts><organizationId>{org_id}</organizationId><organizationMultiCurrency>false</organizationMultiCurrency><organizationName>{org_name}</organizationName><profileId>00e5e000000abcdAAA</profileId>{role_id}<sessionSecondsValid>7200</sessionSecondsValid><userDefaultCurrencyIsoCode xsi:nil="true"/><userEmail>{email}</userEmail><userFullName>{full_name}</userFullName><userId>{user_id}</userId><userLanguage>en_US</userLanguage><userLocale>en_US</userLocale><userName>{username}</userName><userTimeZone>America/Los_Angeles</userTimeZone><userType>Standard</userType><userUiSkin>Theme3</userUiSkin></userInfo></result></loginResponse></soapenv:Body></soapenv:Envelope>"#,
        expired = user.password_expired,
        sandbox = org.sandbox,
        user_id = user.user_id,
        org_id = org.org_id,
        org_name = escape(&org.name),
        email = escape(&user.email),
        full_name = escape(&user.full_name),
        username = escape(&user.username),
    );
    soap_ok(body)
}
