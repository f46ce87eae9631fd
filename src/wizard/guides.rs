//! Step-by-step guides, kept as data in assets/guides/ and embedded in the binary.

use serde::Deserialize;

use crate::profile::Ui;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Step {
    pub lightning: String,
    /// Empty in a guide whose task exists only in Lightning Experience.
    #[serde(default)]
    pub classic: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub sandbox: Option<String>,
}

impl Step {
    /// The step in `ui`; a Lightning-only step reads the same in both.
    pub fn text(&self, ui: Ui) -> &str {
        match ui {
            Ui::Classic if !self.classic.is_empty() => &self.classic,
            _ => &self.lightning,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Guide {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    /// An opening sentence of its own for a method the guide is shown for (`[intro_for]`,
    /// keyed by flow name), in place of `intro`.
    #[serde(default)]
    pub intro_for: std::collections::HashMap<crate::profile::Flow, String>,
    /// The task exists only in Lightning Experience: Classic users are told once, then get
    /// the Lightning steps.
    #[serde(default)]
    pub lightning_only: bool,
    pub steps: Vec<Step>,
}

impl Guide {
    /// The opening sentence as the method `flow` reads it.
    pub fn intro(&self, flow: crate::profile::Flow) -> &str {
        self.intro_for.get(&flow).unwrap_or(&self.intro)
    }
}

/// Said once, at the top of a Lightning-only guide, to a Classic user.
pub const LIGHTNING_ONLY: &str = "This task exists only in Lightning Experience. Switch to it first (your name > Switch to Lightning Experience), then follow these steps.";

const SOURCES: &[&str] = &[
    include_str!("../../assets/guides/reset-security-token.toml"),
    include_str!("../../assets/guides/api-enabled.toml"),
    include_str!("../../assets/guides/consumer-details.toml"),
    include_str!("../../assets/guides/trusted-ip-ranges.toml"),
    include_str!("../../assets/guides/create-external-client-app.toml"),
    include_str!("../../assets/guides/create-connected-app.toml"),
    include_str!("../../assets/guides/migrate-connected-app.toml"),
    include_str!("../../assets/guides/pre-authorize-users.toml"),
    include_str!("../../assets/guides/upload-certificate.toml"),
    include_str!("../../assets/guides/request-refresh-token.toml"),
    include_str!("../../assets/guides/set-new-password.toml"),
    include_str!("../../assets/guides/login-again.toml"),
    include_str!("../../assets/guides/rotate-consumer-secret.toml"),
    include_str!("../../assets/guides/allow-password-flow.toml"),
];

/// Parse one guide; errors name the problem for the asset's author.
pub fn parse(text: &str) -> Result<Guide, String> {
    let guide: Guide = toml::from_str(text).map_err(|e| e.to_string())?;
    if guide.steps.is_empty() {
        return Err(format!("guide {} has no steps", guide.id));
    }
    let classic_missing = guide.steps.iter().any(|s| s.classic.is_empty());
    if classic_missing != guide.lightning_only {
        return Err(format!(
            "guide {}: give every step a classic text, or none and set lightning_only",
            guide.id
        ));
    }
    Ok(guide)
}

/// Every embedded guide (an asset that fails to parse is left out; a test keeps them valid).
pub fn all() -> Vec<Guide> {
    SOURCES.iter().filter_map(|s| parse(s).ok()).collect()
}

pub fn by_id(id: &str) -> Option<Guide> {
    all().into_iter().find(|g| g.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_guide_parses_with_both_variants() {
        for source in SOURCES {
            let guide = parse(source).unwrap();
            for step in &guide.steps {
                assert!(!step.lightning.is_empty(), "{}", guide.id);
                assert_eq!(
                    step.classic.is_empty(),
                    guide.lightning_only,
                    "{}",
                    guide.id
                );
                // A Classic step never contradicts itself by sending the reader away.
                assert!(
                    !step.classic.contains("Lightning"),
                    "{}: {}",
                    guide.id,
                    step.classic
                );
            }
        }
        assert_eq!(all().len(), SOURCES.len());
    }

    #[test]
    fn every_method_names_existing_guides() {
        for m in crate::wizard::methods::METHODS {
            let reauth = crate::wizard::methods::reauth_plan(m.flow).guides;
            for id in m.guides.iter().chain(reauth) {
                assert!(
                    by_id(id).is_some(),
                    "{} names a missing guide {id}",
                    m.label
                );
            }
        }
    }

    #[test]
    fn the_consumer_details_guide_opens_with_what_each_method_needs() {
        use crate::profile::Flow;
        let guide = by_id("consumer-details").unwrap();
        for m in crate::wizard::methods::METHODS {
            if !m.guides.contains(&"consumer-details") {
                continue;
            }
            let intro = guide.intro(m.flow);
            assert_ne!(intro, guide.intro, "{:?} has its own opening", m.flow);
            let secret_needed = matches!(
                m.flow,
                Flow::Password | Flow::ClientCredentials | Flow::RefreshToken
            );
            assert_eq!(
                intro.contains("needs the consumer key and the consumer secret"),
                secret_needed,
                "{:?}: {intro}",
                m.flow
            );
        }
    }

    #[test]
    fn bad_guides_are_refused() {
        assert!(parse("id = \"x\"\ntitle = \"t\"\nsteps = []\n").is_err());
        assert!(parse("not toml [").is_err());
        let half = "id = \"x\"\ntitle = \"t\"\n[[steps]]\nlightning = \"a\"\nclassic = \"b\"\n[[steps]]\nlightning = \"c\"\n";
        assert!(parse(half).unwrap_err().contains("lightning_only"));
    }
}
