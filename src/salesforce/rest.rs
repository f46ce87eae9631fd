//! After login: identity, userinfo, versions, limits, describe, composite batch, SOQL and revoke.

use std::collections::BTreeMap;
use std::fmt;

use futures_util::future::try_join_all;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{Cause, Result, SfError};
use super::http::{Http, Reply};
use super::login_url::LoginUrl;
use super::oauth::{json_error, oauth_error};

/// The REST API version sfconnect speaks (Winter '27).
pub const API_VERSION: &str = "68.0";
/// Salesforce's cap on subrequests in one composite batch.
pub const BATCH_LIMIT: usize = 25;

/// A logged-in session: where the org lives and the token to present.
#[derive(Clone)]
pub struct Session {
    pub http: Http,
    pub instance_url: String,
    pub access_token: SecretString,
    pub version: String,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("instance_url", &self.instance_url)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Identity {
    pub user_id: String,
    pub organization_id: String,
    pub username: String,
    #[serde(default)]
    pub display_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub user_type: String,
    #[serde(default)]
    pub active: bool,
    #[serde(default)]
    pub urls: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct UserInfo {
    pub sub: String,
    pub user_id: String,
    pub organization_id: String,
    pub preferred_username: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub user_type: String,
    #[serde(default)]
    pub is_salesforce_integration_user: bool,
    #[serde(default)]
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ApiVersion {
    pub label: String,
    pub url: String,
    pub version: String,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
pub struct Limit {
    #[serde(rename = "Max")]
    pub max: i64,
    #[serde(rename = "Remaining")]
    pub remaining: i64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ObjectDescribe {
    pub name: String,
    #[serde(default)]
    pub label: String,
    #[serde(default)]
    pub queryable: bool,
    #[serde(default)]
    pub retrieveable: bool,
    #[serde(default)]
    pub createable: bool,
    #[serde(default)]
    pub updateable: bool,
    #[serde(default)]
    pub deletable: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResult {
    pub total_size: u64,
    pub done: bool,
    #[serde(default)]
    pub records: Vec<Value>,
    #[serde(default)]
    pub next_records_url: Option<String>,
}

/// One subrequest's answer in a composite batch.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub status_code: u16,
    #[serde(default)]
    pub result: Value,
}

impl BatchResult {
    /// The subrequest's value, or its REST error.
    pub fn into_result<T: DeserializeOwned>(self) -> Result<T> {
        if (200..300).contains(&self.status_code) {
            serde_json::from_value(self.result).map_err(|e| json_error("batch result", &e))
        } else {
            Err(rest_error_from_value(self.status_code, &self.result))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResponse {
    pub results: Vec<BatchResult>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RestErrorItem {
    #[serde(default)]
    message: String,
    #[serde(default)]
    error_code: String,
}

fn rest_error_from_value(status: u16, value: &Value) -> SfError {
    let first = value
        .as_array()
        .and_then(|a| a.first())
        .cloned()
        .unwrap_or_default();
    match serde_json::from_value::<RestErrorItem>(first) {
        Ok(item) => SfError::from_rest(status, &item.error_code, &item.message),
        Err(_) => SfError::from_rest(status, "", ""),
    }
}

/// The typed error for a non-2xx REST reply.
fn rest_error(reply: &Reply) -> SfError {
    if reply.is_html() {
        return reply.html_error();
    }
    if reply.body.trim_ascii() == b"Bad_OAuth_Token"
        || reply.body.trim_ascii() == b"Missing_OAuth_Token"
    {
        return SfError::from_rest(reply.status, "Bad_OAuth_Token", &reply.text());
    }
    match serde_json::from_slice::<Value>(&reply.body) {
        Ok(v) => rest_error_from_value(reply.status, &v),
        Err(_) => SfError::from_rest(reply.status, "", ""),
    }
}

/// A REST answer as `T`, or the typed error its status and body give (`what` names it in a
/// decoding error). Public for the fuzz targets, which feed it any bytes.
pub fn decode<T: DeserializeOwned>(reply: &Reply, what: &str) -> Result<T> {
    if !(200..300).contains(&reply.status) || reply.is_html() {
        return Err(rest_error(reply));
    }
    serde_json::from_slice(&reply.body).map_err(|e| json_error(what, &e))
}

impl Session {
    pub fn new(http: Http, instance_url: &str, access_token: SecretString) -> Self {
        Self {
            http,
            instance_url: instance_url.trim_end_matches('/').to_string(),
            access_token,
            version: API_VERSION.to_string(),
        }
    }

    fn data_url(&self, rest: &str) -> String {
        format!(
            "{}/services/data/v{}/{rest}",
            self.instance_url, self.version
        )
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str, what: &str) -> Result<T> {
        let reply = self
            .http
            .send(
                self.http
                    .client()
                    .get(url)
                    .bearer_auth(self.access_token.expose_secret())
                    .header("Accept", "application/json"),
            )
            .await?;
        decode(&reply, what)
    }

    /// The identity URL (`id` of the token response, on the login host).
    pub async fn identity(&self, id_url: &str) -> Result<Identity> {
        self.get_json(id_url, "identity response").await
    }

    pub async fn userinfo(&self) -> Result<UserInfo> {
        let url = format!("{}/services/oauth2/userinfo", self.instance_url);
        self.get_json(&url, "userinfo response").await
    }

    /// API versions the org supports (no authentication needed).
    pub async fn versions(&self) -> Result<Vec<ApiVersion>> {
        versions(&self.http, &self.instance_url).await
    }

    pub async fn limits(&self) -> Result<BTreeMap<String, Limit>> {
        let raw: BTreeMap<String, Value> =
            self.get_json(&self.data_url("limits"), "limits").await?;
        Ok(raw
            .into_iter()
            .filter_map(|(k, v)| serde_json::from_value(v).ok().map(|l| (k, l)))
            .collect())
    }

    pub async fn describe(&self, object: &str) -> Result<ObjectDescribe> {
        let path = format!("sobjects/{}/describe", encode_segment(object));
        self.get_json(&self.data_url(&path), "describe").await
    }

    pub async fn query(&self, soql: &str) -> Result<QueryResult> {
        let mut url = url::Url::parse(&self.data_url("query"))
            .map_err(|_| SfError::new(Cause::InstanceUrlRejected))?;
        url.query_pairs_mut().append_pair("q", soql);
        self.get_json(url.as_str(), "query result").await
    }

    /// The next page of a query (`nextRecordsUrl`, a path on the instance).
    pub async fn query_more(&self, next_records_url: &str) -> Result<QueryResult> {
        let url = format!("{}{next_records_url}", self.instance_url);
        self.get_json(&url, "query result").await
    }

    /// GET one path below the versioned API (`limits`, `query?q=…`), as JSON.
    pub async fn get_value(&self, path: &str) -> Result<Value> {
        self.get_json(&self.data_url(path), "API response").await
    }

    /// Run GET subrequests (paths relative to the version, e.g. `limits`) in composite batches of
    /// at most 25, sent concurrently; results come back in the order asked.
    pub async fn batch_get(&self, paths: &[String]) -> Result<Vec<BatchResult>> {
        let chunks = paths
            .chunks(BATCH_LIMIT)
            .map(|chunk| self.batch_once(chunk));
        Ok(try_join_all(chunks).await?.into_iter().flatten().collect())
    }

    async fn batch_once(&self, paths: &[String]) -> Result<Vec<BatchResult>> {
        let requests: Vec<Value> = paths
            .iter()
            .map(|p| serde_json::json!({"method": "GET", "url": format!("v{}/{p}", self.version)}))
            .collect();
        let body = serde_json::json!({"batchRequests": requests, "haltOnError": false});
        let reply = self
            .http
            .send(
                self.http
                    .client()
                    .post(self.data_url("composite/batch"))
                    .bearer_auth(self.access_token.expose_secret())
                    .json(&body),
            )
            .await?;
        let response: BatchResponse = decode(&reply, "composite batch")?;
        if response.results.len() != paths.len() {
            return Err(SfError::new(Cause::MalformedResponse)
                .with_context("composite batch returned a different number of results"));
        }
        Ok(response.results)
    }
}

/// Revoke an access or refresh token (revoking a refresh token ends its access tokens too).
pub async fn revoke(http: &Http, host: &LoginUrl, token: &SecretString) -> Result<()> {
    let reply = http
        .send(
            http.client()
                .post(host.endpoint("/services/oauth2/revoke"))
                .form(&[("token", token.expose_secret())]),
        )
        .await?;
    if reply.status == 200 {
        Ok(())
    } else {
        Err(oauth_error(&reply))
    }
}

/// API versions as `/services/data/` lists them on any host (no authentication needed).
pub async fn versions(http: &Http, host: &str) -> Result<Vec<ApiVersion>> {
    let reply = http
        .send(
            http.client()
                .get(format!("{}/services/data/", host.trim_end_matches('/'))),
        )
        .await?;
    decode(&reply, "versions list")
}

fn encode_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
        .to_string()
        .replace("%5F", "_")
}
