//! `sfconnect login NAME --flow jwt --generate-key`: make the JWT key pair and certificate, and
//! say exactly what to do with the certificate. Nothing is saved yet.

use std::process::ExitCode;

use super::login::LoginArgs;
use super::{EXIT_USAGE, fail};
use crate::profile::Flow;

/// `--generate-key`: make the JWT key pair and say exactly what to do with the certificate.
pub fn run(profiles: &crate::profile::Profiles, args: &LoginArgs) -> ExitCode {
    if args.flow.is_some_and(|f| f != Flow::Jwt) {
        return fail(EXIT_USAGE, "--generate-key goes with --flow jwt");
    }
    let dir = profiles.dir().join("keys");
    // A pair that exists (perhaps in use) is never replaced: a new one goes beside it, and the
    // connection keeps its working key until a login with the new one passes.
    match crate::profile::jwt_key::generate_new(&dir, &args.name) {
        Ok(made) => {
            let users = app_users(profiles, args, &made.key_file);
            let first = made.key_file == dir.join(format!("{}.key", args.name));
            let then = if first && users.is_empty() {
                format!(
                    "sfconnect login {} --flow jwt --login-url URL --username USER --client-id KEY\n   (this key is used without --key-file)",
                    args.name
                )
            } else if users.is_empty() {
                format!(
                    "sfconnect login {} --flow jwt{} --key-file {}",
                    args.name,
                    new_connection(profiles, args),
                    made.key_file.display(),
                )
            } else {
                format!(
                    "sfconnect login {} --flow jwt{} --key-file {} --replace-certificate\n   (right after the upload: the others on the app then move to this key, each after its own test)",
                    args.name,
                    new_connection(profiles, args),
                    made.key_file.display(),
                )
            };
            if !users.is_empty() {
                say!(
                    "Before you upload: the app holds one certificate, and {} log in with the key whose certificate is in it now. They keep working until this certificate replaces it; from that moment only this new key works, until each of them moves to it.\nTo add a connection on this app, no new pair is needed: leave out --generate-key and --key-file, and it uses theirs.\n",
                    super::text::names(&users)
                );
            }
            say!(
                "Made a private key {} (readable only by you) and its certificate {}.\n\n\
                 1. Upload the certificate to the app: connected app: App Manager > the app > Edit > Use digital signatures;\n   \
                 External Client App: Settings > OAuth Settings > Enable JWT Bearer Flow > upload.\n\
                 2. In the app's policies, set Permitted Users to 'Admin approved users are pre-authorized' and add the\n   \
                 integration user's profile or a permission set.\n\
                 3. Then: {then}.\n\n\
                 Nothing is saved yet. The certificate (safe to share){}:",
                made.key_file.display(),
                made.certificate_file.display(),
                if args.json {
                    " is in the JSON on stdout"
                } else {
                    ""
                },
            );
            if args.json {
                let at =
                    |t: std::time::SystemTime| humantime::format_rfc3339_seconds(t).to_string();
                out!(
                    "{}",
                    serde_json::json!({
                        "name": args.name,
                        "generated": true,
                        "key_file": made.key_file,
                        "certificate_file": made.certificate_file,
                        "certificate": made.certificate_pem,
                        "not_after": made.valid.map(|v| at(v.not_after)),
                    })
                );
            } else {
                use std::io::Write as _;
                let _ = write!(std::io::stdout().lock(), "{}", made.certificate_pem);
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(EXIT_USAGE, e),
    }
}

/// The saved connections on the app this pair is for (its consumer key from --client-id, or the
/// saved connection's), noted as pending on the app: once its certificate is uploaded, they
/// stop until they use the new key. Empty when the app is not known or no connection uses it.
fn app_users(
    profiles: &crate::profile::Profiles,
    args: &LoginArgs,
    key_file: &std::path::Path,
) -> Vec<String> {
    use crate::connect::app_keys::{AppRef, note_pending, on_app};
    let Ok(config) = profiles.config() else {
        return Vec::new();
    };
    let existing = config.connections.get(&args.name);
    let Some(client_id) = args
        .client_id
        .clone()
        .or(existing.and_then(|p| p.client_id.clone()))
    else {
        return Vec::new();
    };
    let app = AppRef {
        client_id,
        login_url: args
            .login_url
            .clone()
            .or(existing.map(|p| p.login_url.clone()))
            .unwrap_or_default(),
        org_id: existing.and_then(|p| p.org_id.clone()),
    };
    let users: Vec<String> = on_app(&config, &app, "")
        .into_iter()
        .map(|(name, _)| name.to_string())
        .collect();
    if !users.is_empty()
        && let Err(e) = note_pending(profiles, &app, key_file, &args.name)
    {
        say!(
            "sfconnect: could not note the new pair in the config ({e}); `status` will not warn that the app's certificate may change"
        );
    }
    users
}

/// What the follow-up `login` needs besides the key when NAME is not saved yet: the login URL,
/// username and consumer key, as given now (else what to fill in).
fn new_connection(profiles: &crate::profile::Profiles, args: &LoginArgs) -> String {
    if profiles.get(&args.name).is_ok() {
        return String::new();
    }
    format!(
        " --login-url {} --username {} --client-id {}",
        args.login_url.as_deref().unwrap_or("URL"),
        args.username.as_deref().unwrap_or("USER"),
        args.client_id.as_deref().unwrap_or("KEY"),
    )
}
