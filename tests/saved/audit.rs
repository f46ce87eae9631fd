//! `sfconnect audit` against the simulated org's Login History: grouped by user and method,
//! retiring methods first with their deadlines, saved connections named, pages followed past
//! 2,000 rows, and a partial report for a user without Manage Users.

use serde_json::Value;

use super::support::*;

async fn audit(dir: &std::path::Path, args: &[&str]) -> (Option<i32>, String) {
    let mut c = sfconnect(dir);
    c.arg("audit").args(args);
    let out = run_async(c).await;
    (
        out.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn group<'a>(report: &'a Value, username: &str, method: &str) -> &'a Value {
    report["groups"]
        .as_array()
        .and_then(|g| {
            g.iter()
                .find(|x| x["username"] == username && x["method"] == method)
        })
        .unwrap_or_else(|| panic!("no {method} group for {username}: {report}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn an_audit_groups_the_orgs_logins_with_retiring_ones_first() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    // The same user saved a second time, with the password flow.
    let mut pw = sfconnect(d);
    pw.args([
        "login",
        "pw",
        "--flow",
        "password",
        "--login-url",
        sim.login_url(),
        "--username",
        sfconnect::sim::scenario::DEMO_USERNAME,
        "--client-id",
        sfconnect::sim::scenario::DEMO_CONSUMER_KEY,
    ])
    .env(
        "SFCONNECT_PASSWORD",
        sfconnect::sim::scenario::DEMO_PASSWORD,
    )
    .env(
        "SFCONNECT_SECURITY_TOKEN",
        sfconnect::sim::scenario::DEMO_TOKEN,
    )
    .env(
        "SFCONNECT_CLIENT_SECRET",
        sfconnect::sim::scenario::DEMO_CONSUMER_SECRET,
    );
    let out = run_async(pw).await;
    assert!(out.status.success(), "{}", text(&out));

    let (code, out) = audit(d, &["prod", "--json"]).await;
    assert_eq!(code, Some(1), "retiring logins were seen: {out}");
    let report: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(report["partial"], false);
    assert!(report["rows_read"].as_u64().unwrap() >= 83, "{report}");
    // The password flow's deadline is the earliest: its groups come first.
    assert_eq!(report["groups"][0]["method"], "password", "{report}");
    // Each saved connection is named on the group of its own method only.
    let own_password = group(&report, sfconnect::sim::scenario::DEMO_USERNAME, "password");
    assert_eq!(
        own_password["saved_as"],
        serde_json::json!(["pw"]),
        "{report}"
    );
    let former = group(&report, "former.sync@acme-demo.example", "password");
    assert_eq!(former["name"], "Zoë Ångström");
    assert_eq!(former["active"], false);
    assert_eq!(former["successes"], 12);
    assert_eq!(former["failures"], 2);
    assert_eq!(former["login_subtype"], "OAuth Username-Password");
    assert_eq!(former["retiring"]["until"], "2027-02-20");
    assert_eq!(former["saved_as"], serde_json::json!([]));
    let legacy = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["username"] == "expired@acme-demo.example" && g["api_type"] == "SOAP Partner")
        .unwrap();
    assert_eq!(legacy["method"], "soap");
    assert_eq!(legacy["api_versions"], serde_json::json!(["50.0"]));
    assert_eq!(
        (legacy["successes"].as_u64(), legacy["failures"].as_u64()),
        (Some(30), Some(2))
    );
    assert_eq!(legacy["source_ips"], serde_json::json!(["192.0.2.44"]));
    assert_eq!(legacy["retiring"]["id"], "soap_login_retires");
    // sfconnect's own SOAP login is there, named by the connection that made it.
    let own = group(&report, sfconnect::sim::scenario::DEMO_USERNAME, "soap");
    assert_eq!(own["saved_as"], serde_json::json!(["prod"]));
    // Methods that are not retiring, and what cannot be told, are listed after them.
    assert!(group(&report, sfconnect::sim::scenario::DEMO_USERNAME, "jwt")["retiring"].is_null());
    assert!(group(&report, "noapi@acme-demo.example", "other")["retiring"].is_null());
    assert_eq!(report["retiring"]["password"], 2);
    assert_eq!(report["retiring"]["soap"], 3);
    // Every row read is counted in exactly one group.
    let counted: u64 = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["successes"].as_u64().unwrap() + g["failures"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, report["rows_read"].as_u64().unwrap());

    // A shorter window leaves out what is older.
    let (_, out) = audit(d, &["prod", "--json", "--days", "30"]).await;
    let recent: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(
        !recent["groups"]
            .as_array()
            .unwrap()
            .iter()
            .any(|g| g["username"] == "former.sync@acme-demo.example"),
        "{recent}"
    );

    // For people: retiring first, with the way to move each.
    let (code, out) = audit(d, &["prod"]).await;
    assert_eq!(code, Some(1));
    let retiring = out.find("Retiring:").unwrap();
    assert!(retiring < out.find("Not retiring:").unwrap(), "{out}");
    assert!(
        out.contains("saved as 'prod': `sfconnect login prod --flow client-credentials …`"),
        "{out}"
    );
    assert!(
        out.contains("not held by sfconnect: create an External Client App"),
        "{out}"
    );
    assert!(out.contains("Zoë Ångström, inactive"), "{out}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_history_is_read_page_by_page_and_without_manage_users_only_ones_own() {
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run_async(demo_login(d, sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    // 2,500 more UI logins: more than a page of 2,000.
    sim.with_state(|live| {
        let row = sfconnect::sim::login_history::served(&live.scenario.users[0], None, None);
        for _ in 0..2_500 {
            let mut ui = row.clone();
            ui.login_type = "Application".into();
            live.login_history.push(ui);
        }
    });
    let (_, out) = audit(d, &["prod", "--json"]).await;
    let report: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert!(report["rows_read"].as_u64().unwrap() >= 2_583, "{report}");
    let ui = group(&report, sfconnect::sim::scenario::DEMO_USERNAME, "ui");
    assert!(ui["successes"].as_u64().unwrap() >= 2_500, "{ui}");

    // Without Manage Users: its own logins only, and said to be partial.
    sim.with_state(|live| live.scenario.users[0].manage_users = false);
    let (code, out) = audit(d, &["prod", "--json"]).await;
    let report: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(report["partial"], true, "{report}");
    assert!(
        report["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["username"] == sfconnect::sim::scenario::DEMO_USERNAME),
        "{report}"
    );
    assert_eq!(code, Some(1), "its own SOAP logins are retiring: {report}");
    let (_, text) = audit(d, &["prod"]).await;
    assert!(
        text.contains("Partial: 'prod' logs in as a user without Manage Users"),
        "{text}"
    );
    // An org that answers with the user's own rows rather than refusing: partial all the same.
    sim.with_state(|live| live.scenario.org.login_history_own_rows_only = true);
    let (_, out) = audit(d, &["prod", "--json"]).await;
    let report: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(report["partial"], true, "{report}");
}

/// The simulated org answers both ways Salesforce documents for a user without Manage Users.
#[tokio::test(flavor = "multi_thread")]
async fn the_simulated_org_refuses_or_narrows_other_users_login_history() {
    use sfconnect::salesforce::rest::Session;
    let sim = sim().await;
    let dir = tempfile::tempdir().unwrap();
    let out = run_async(demo_login(dir.path(), sim.login_url(), "prod")).await;
    assert!(out.status.success(), "{}", text(&out));
    sim.with_state(|live| live.scenario.users[0].manage_users = false);
    let mut token = sfconnect(dir.path());
    token.args(["token", "prod"]);
    let token = run_async(token).await;
    let access = String::from_utf8(token.stdout).unwrap().trim().to_string();
    let http = sfconnect::salesforce::Http::new(std::time::Duration::from_secs(10)).unwrap();
    let session = Session::new(http, sim.instance_url(), secret(&access));
    let soql = "SELECT UserId, LoginTime FROM LoginHistory WHERE LoginTime >= 2026-01-01T00:00:00Z ORDER BY LoginTime DESC";
    let refused = session.query(soql).await.unwrap_err();
    assert_eq!(
        refused.cause,
        sfconnect::salesforce::Cause::InsufficientAccess
    );
    sim.with_state(|live| live.scenario.org.login_history_own_rows_only = true);
    let own = session.query(soql).await.unwrap();
    let me = sim.with_state(|live| live.scenario.users[0].user_id.clone());
    assert!(!own.records.is_empty());
    assert!(own.records.iter().all(|r| r["UserId"] == me.as_str()));
}
