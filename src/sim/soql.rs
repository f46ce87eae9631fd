//! The simulated org's SOQL: the few queries the checks and real clients send, answered from
//! its users, with Salesforce's errors for what it does not know.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::rest::access;
use super::scenario::User;
use super::state::Live;
use crate::salesforce::rest::API_VERSION;

/// Enough SOQL for connection checks: the object after FROM decides the records.
pub(super) fn query(live: &Live, user: &User, soql: &str) -> (StatusCode, Value) {
    let upper = soql.to_ascii_uppercase();
    let Some(from) = upper.find(" FROM ") else {
        return (
            StatusCode::BAD_REQUEST,
            json!([{"message": "unexpected token: <EOF>", "errorCode": "MALFORMED_QUERY"}]),
        );
    };
    let object: String = soql[from + 6..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let records: Vec<Value> = match object.to_ascii_lowercase().as_str() {
        "userlicense" => live
            .scenario
            .licenses
            .iter()
            .map(|l| json!({"attributes": {"type": "UserLicense"}, "Name": l.name, "MasterLabel": l.name, "LicenseDefinitionKey": l.key, "Status": "Active", "TotalLicenses": l.total, "UsedLicenses": l.used}))
            .collect(),
        "user" => live
            .scenario
            .users
            .iter()
            .filter(|u| where_matches(&upper, soql, u))
            .map(user_record)
            .collect(),
        "organization" => {
            let org = &live.scenario.org;
            vec![json!({
                "attributes": {"type": "Organization", "url": format!("/services/data/v{API_VERSION}/sobjects/Organization/{}", org.org_id)},
                "Id": org.org_id,
                "Name": org.name,
                "InstanceName": "SIM1",
                "IsSandbox": org.sandbox,
                "TrialExpirationDate": null,
                "NamespacePrefix": null,
                "OrganizationType": if org.sandbox { "Developer Edition" } else { "Enterprise Edition" },
            })]
        }
        "loginhistory" => return super::login_history::query(live, user, soql, 0),
        "userpermissionaccess" => vec![json!({"attributes": {"type": "UserPermissionAccess"}, "PermissionsApiEnabled": user.api_enabled, "PermissionsModifyAllData": false, "PermissionsViewSetup": true, "PermissionsManageUsers": user.manage_users})],
        name => {
            if !live.scenario.objects.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
                return (StatusCode::BAD_REQUEST, json!([{"message": format!("sObject type '{object}' is not supported."), "errorCode": "INVALID_TYPE"}]));
            }
            if !access(user, name).is_some_and(|a| a.contains('r')) {
                return (StatusCode::BAD_REQUEST, json!([{"message": format!("sObject type '{object}' is not supported."), "errorCode": "INVALID_TYPE"}]));
            }
            Vec::new()
        }
    };
    (
        StatusCode::OK,
        json!({"totalSize": records.len(), "done": true, "records": records}),
    )
}

/// The columns a query selects, in the shape of `query?columns=true`: the object, and for each
/// selected field its name (a relationship path gets its parts as join columns).
pub(super) fn columns(soql: &str) -> (StatusCode, Value) {
    let upper = soql.to_ascii_uppercase();
    let (Some(select), Some(from)) = (upper.find("SELECT "), upper.find(" FROM ")) else {
        return (
            StatusCode::BAD_REQUEST,
            json!([{"message": "unexpected token: <EOF>", "errorCode": "MALFORMED_QUERY"}]),
        );
    };
    let entity: String = soql[from + 6..]
        .trim_start()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    fn column(path: &[&str]) -> Value {
        let (name, rest) = path.split_first().unwrap_or((&"", &[]));
        json!({
            "aggregate": false,
            "apexType": if rest.is_empty() { json!("String") } else { Value::Null },
            "booleanType": false,
            "columnName": name,
            "custom": name.ends_with("__c"),
            "displayName": name,
            "foreignKeyName": null,
            "insertable": false,
            "joinColumns": if rest.is_empty() { vec![] } else { vec![column(rest)] },
            "numberType": false,
            "textType": rest.is_empty(),
            "updatable": false,
        })
    }
    let fields: Vec<&str> = soql
        .get(select + 7..from)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|f| !f.is_empty())
        .collect();
    let metadata: Vec<Value> = fields
        .iter()
        .map(|f| column(&f.split('.').collect::<Vec<_>>()))
        .collect();
    (
        StatusCode::OK,
        json!({
            "columnMetadata": metadata,
            "entityName": entity,
            "groupBy": false,
            "idSelected": fields.iter().any(|f| f.eq_ignore_ascii_case("id")),
            "keyPrefix": null,
        }),
    )
}

/// The two WHERE conditions connection checks use: `Id = '…'` and `IsActive = true`.
fn where_matches(upper: &str, soql: &str, user: &User) -> bool {
    let Some(at) = upper.find(" WHERE ") else {
        return true;
    };
    let clause = &soql[at + 7..];
    let id_ok = match (clause.find("Id = '"), clause.find("Id IN (")) {
        (Some(i), _) => clause[i + 6..].split('\'').next() == Some(user.user_id.as_str()),
        (None, Some(i)) => clause[i + 7..].split(')').next().is_some_and(|ids| {
            ids.split(',')
                .any(|id| id.trim().trim_matches('\'') == user.user_id)
        }),
        (None, None) => true,
    };
    let active_ok = !upper[at..].contains("ISACTIVE = TRUE") || user.active;
    id_ok && active_ok
}

pub(super) fn user_record(u: &User) -> Value {
    let changed = std::time::SystemTime::now()
        - std::time::Duration::from_secs(u64::from(u.password_age_days) * 86_400);
    let license = if u.integration_user {
        "Salesforce Integration"
    } else {
        "Salesforce"
    };
    json!({
        "attributes": {"type": "User", "url": format!("/services/data/v{}/sobjects/User/{}", API_VERSION, u.user_id)},
        "Id": u.user_id,
        "Username": u.username,
        "Email": u.email,
        "IsActive": u.active,
        "Name": u.full_name,
        "LastPasswordChangeDate": format!("{}.000+0000", humantime::format_rfc3339_seconds(changed).to_string().trim_end_matches('Z')),
        "Profile": {
            "attributes": {"type": "Profile"},
            "Name": u.profile,
            "UserLicense": {"attributes": {"type": "UserLicense"}, "Name": license},
        },
    })
}
