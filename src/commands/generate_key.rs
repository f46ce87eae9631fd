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
            let first = made.key_file == dir.join(format!("{}.key", args.name));
            let then = if first {
                format!(
                    "sfconnect login {} --flow jwt --login-url URL --username USER --client-id KEY\n   (this key is used without --key-file)",
                    args.name
                )
            } else {
                format!(
                    "sfconnect login {} --flow jwt --key-file {}\n   (a key pair for '{}' exists already and was kept: it works until this login passes)",
                    args.name,
                    made.key_file.display(),
                    args.name
                )
            };
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
