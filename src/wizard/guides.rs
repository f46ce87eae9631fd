//! Step-by-step guides, kept as data in assets/guides/ and embedded in the binary.

use serde::Deserialize;

use crate::profile::Ui;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Step {
    pub lightning: String,
    pub classic: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub sandbox: Option<String>,
}

impl Step {
    pub fn text(&self, ui: Ui) -> &str {
        match ui {
            Ui::Lightning => &self.lightning,
            Ui::Classic => &self.classic,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Guide {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub steps: Vec<Step>,
}

const SOURCES: &[&str] = &[
    include_str!("../../assets/guides/reset-security-token.toml"),
    include_str!("../../assets/guides/api-enabled.toml"),
    include_str!("../../assets/guides/consumer-details.toml"),
    include_str!("../../assets/guides/trusted-ip-ranges.toml"),
    include_str!("../../assets/guides/create-external-client-app.toml"),
    include_str!("../../assets/guides/create-connected-app.toml"),
    include_str!("../../assets/guides/pre-authorize-users.toml"),
    include_str!("../../assets/guides/upload-certificate.toml"),
    include_str!("../../assets/guides/request-refresh-token.toml"),
    include_str!("../../assets/guides/set-new-password.toml"),
    include_str!("../../assets/guides/login-again.toml"),
    include_str!("../../assets/guides/rotate-consumer-secret.toml"),
];

/// Parse one guide; errors name the problem for the asset's author.
pub fn parse(text: &str) -> Result<Guide, String> {
    let guide: Guide = toml::from_str(text).map_err(|e| e.to_string())?;
    if guide.steps.is_empty() {
        return Err(format!("guide {} has no steps", guide.id));
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
                assert!(
                    !step.lightning.is_empty() && !step.classic.is_empty(),
                    "{}",
                    guide.id
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
    fn bad_guides_are_refused() {
        assert!(parse("id = \"x\"\ntitle = \"t\"\nsteps = []\n").is_err());
        assert!(parse("not toml [").is_err());
    }
}
