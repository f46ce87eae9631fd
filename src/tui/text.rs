//! The wizard's words for what the service reports: problems, removals, saves. The one place
//! where the terminal face turns facts into sentences.

use crate::check::Next;
use crate::connect::assist::{AssistError, Assisted};
use crate::connect::remove::SecretsLeft;
use crate::profile::{ProfileError, StoreError, StorePlace};
use crate::wizard::{Problem, Retry, Saved};

/// Whether the file store needs its passphrase (missing or mistyped).
pub(crate) fn needs_passphrase(e: &ProfileError) -> bool {
    matches!(
        e,
        ProfileError::Store(
            StoreError::PassphraseNeeded { .. } | StoreError::WrongPassphrase { .. }
        )
    )
}

/// A problem in words for the wizard; a passphrase the file store needs makes it retryable.
pub(crate) fn problem(e: &ProfileError, retry: Retry) -> Problem {
    let needs_passphrase = needs_passphrase(e);
    Problem {
        message: match e {
            ProfileError::Store(StoreError::PassphraseNeeded { path }) => {
                format!("{} is protected by a passphrase.", path.display())
            }
            ProfileError::Store(StoreError::WrongPassphrase { path }) => format!(
                "That passphrase does not open {}; nothing was changed. Type it again.",
                path.display()
            ),
            // The command line's advice names flags; the wizard names its own keys.
            ProfileError::Store(StoreError::KeyringUnavailable { reason }) => keyring_advice(
                &retry,
                &format!("the OS keyring is not available here: {reason}"),
            ),
            ProfileError::Store(StoreError::KeyringTimeout(after)) => keyring_advice(
                &retry,
                &format!(
                    "the OS keyring did not answer within {} seconds; it may be locked behind a prompt nobody can see",
                    after.as_secs()
                ),
            ),
            ProfileError::Store(StoreError::KeyringFailed(why)) => {
                keyring_advice(&retry, &format!("the OS keyring refused: {why}"))
            }
            ProfileError::ChangedMeanwhile(name) => format!(
                "Not saved: another sfconnect saved '{name}' while this test ran, and what it saved is kept. To save this one as well, go back (Esc) to the name and choose another; everything typed is kept."
            ),
            _ => e.to_string(),
        },
        retry: needs_passphrase.then_some(retry),
    }
}

/// What to do when the keyring fails: on the save screen, the encrypted file is one key away.
pub(crate) fn keyring_advice(retry: &Retry, what: &str) -> String {
    match retry {
        Retry::Save => format!(
            "Not saved: {what}. Press f to save to the encrypted file instead (it works over SSH and for unattended jobs), then Enter."
        ),
        _ => format!("{what}. Unlock the keyring, then try again."),
    }
}

/// What the home screen says after a removal.
pub(crate) fn removed_message(name: &str, removal: &crate::connect::remove::Removal) -> String {
    use crate::connect::remove::Revocation;
    let mut said = match &removal.secrets_left {
        None => format!("Removed '{name}' and its secrets."),
        Some((kind, why)) => format!(
            "Removed '{name}', but not its secrets in the {} store ({}): they are deleted the next time sfconnect opens that store.",
            kind.as_str(),
            match why {
                SecretsLeft::Unopenable => "it cannot be opened".to_string(),
                SecretsLeft::NotDeleted(place) => format!("{} did not delete them", store(place)),
            }
        ),
    };
    match &removal.revocation {
        Revocation::Revoked => said.push_str(" Its token was revoked at Salesforce."),
        Revocation::Failed(e) => said.push_str(&format!(
            " Its token could not be revoked ({e}): it stays valid until it expires or an admin revokes it."
        )),
        Revocation::Skipped | Revocation::NoToken | Revocation::AlreadyInvalid => {}
    }
    if let Some((key, _)) = &removal.key_pair {
        said.push_str(&format!(
            " Its key pair ({}) was deleted: remove the certificate from the app too.",
            key.display()
        ));
    }
    said
}

/// What the Saved screen says the save did, and what revoking the token it replaced came to.
pub(crate) fn saved(saved: &Saved) -> String {
    let report = &saved.report;
    let did = match saved.moved_to {
        Some(flow) => format!(
            "Moved '{}' to {}",
            report.name,
            crate::wizard::methods::METHODS
                .iter()
                .find(|m| m.flow == flow)
                .map_or(flow.as_str(), |m| m.label)
        ),
        None if report.replaced => format!("Re-authenticated '{}'", report.name),
        None => format!("Saved connection '{}'", report.name),
    };
    let mut said = format!("{did}. Secrets are in: {}.", store(&report.store));
    match &saved.revoked {
        Some(None) => said.push_str(" The previous refresh token was revoked at Salesforce."),
        Some(Some(why)) => said.push_str(&format!(
            " The previous refresh token could not be revoked ({why}): it stays valid until it expires; revoke it in Setup > Connected Apps OAuth Usage."
        )),
        None => {}
    }
    said
}

/// After the save: the app's other connections moved to its key, the pairs deleted, and the
/// user's other connections (offered, or each one's result). One line each.
pub(crate) fn after_save(saved: &Saved) -> Vec<String> {
    let mut lines = Vec::new();
    for moved in &saved.settled.moved {
        lines.push(match &moved.result {
            Ok(()) => format!(
                "✓ '{}' moved to this key: its test with it passed.",
                moved.name
            ),
            Err(why) => format!(
                "✗ '{}' could not move to this key ({why}); it keeps its old key, whose certificate the app no longer holds: re-authenticate it.",
                moved.name
            ),
        });
    }
    let settled = &saved.settled;
    for p in &settled.dropped {
        lines.push(crate::connect::app_keys::dropped_text(
            p,
            settled.deleted.contains(&p.key_file),
        ));
    }
    for key in &settled.deleted {
        if !settled.dropped.iter().any(|p| &p.key_file == key) {
            lines.push(format!(
                "Deleted the key pair {} (and its certificate): no connection uses it any more.",
                key.display()
            ));
        }
    }
    match &saved.same_user_results {
        None if saved.offers_same_user() => lines.push(format!(
            "{} also log{} in as this user, so the old password stopped {} too: press u to re-authenticate {} with the same new password and token (each is tested on its own and keeps its old credentials unless its test passes).",
            crate::wizard::screens::certificate::names(&saved.same_user),
            if saved.same_user.len() == 1 { "s" } else { "" },
            if saved.same_user.len() == 1 { "it" } else { "them" },
            if saved.same_user.len() == 1 { "it" } else { "them" },
        )),
        Some(results) => {
            for r in results {
                lines.push(match &r.result {
                    Ok(()) => format!("✓ '{}' re-authenticated with the new secrets.", r.name),
                    Err(why) => format!(
                        "✗ '{}' did not pass with the new secrets ({why}); its old credentials are kept: re-authenticate it on its own (r on it in the connections list).",
                        r.name
                    ),
                });
            }
        }
        None => {}
    }
    lines
}

/// What the demo org did for the user, said on the screen it was asked from.
pub(crate) fn assisted(done: &Assisted) -> String {
    match done {
        Assisted::TokenIssued(_) => "Demo: logged in as the demo user; the refresh token the demo org issued is in the form. Press Enter to test.",
        Assisted::LoggedIn => "Demo: logged in as the demo user in place of a browser.",
        Assisted::Approved => "Demo: approved the code as the demo user.",
        Assisted::Uploaded => "Demo: uploaded the certificate to the demo org's app. Press Enter to test.",
    }
    .to_string()
}

/// Why the demo org could not do it.
pub(crate) fn assist_failed(e: &AssistError) -> String {
    match e {
        AssistError::NoRefreshToken(_) => format!("Demo: {e}"),
        _ => e.to_string(),
    }
}

/// `fix`, then the step after it as the wizard takes it for connection `name`.
pub(crate) fn with_next(fix: &str, next: Option<Next>, name: &str) -> String {
    match next {
        None => fix.to_string(),
        Some(Next::Reauthenticate) => {
            format!("{fix} (r on the connections, or `sfconnect reauth {name}`)")
        }
        Some(Next::Report) => format!(
            "{fix}, with the output of `sfconnect test {name} --json` from a shell (it holds no secrets)"
        ),
        Some(Next::Move) => format!("{fix} (r, then m, on the connections)"),
    }
}

/// Where secrets are, as the Saved screen says it.
pub(crate) fn store(place: &StorePlace) -> String {
    match place {
        StorePlace::Keyring { backend } => format!("the OS keyring ({backend})"),
        StorePlace::File { path, key_file } => {
            let opened = match key_file {
                Some(key) => format!("its key file is {}", key.display()),
                None => "opened with its passphrase".to_string(),
            };
            format!("the encrypted file {} ({opened})", path.display())
        }
    }
}
