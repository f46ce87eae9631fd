//! Which objects a connection needs, with what access: the connection's own list or the defaults
//! in assets/objects.toml.

use serde::Deserialize;

const DEFAULTS: &str = include_str!("../../assets/objects.toml");

/// One object and the access the integration needs on it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ObjectNeed {
    pub name: String,
    /// Letters: r(ead), c(reate), e(dit).
    #[serde(default = "read_only")]
    pub access: String,
    #[serde(skip)]
    pub required: bool,
}

fn read_only() -> String {
    "r".into()
}

#[derive(Deserialize)]
struct Lists {
    #[serde(default)]
    required: Vec<ObjectNeed>,
    #[serde(default)]
    optional: Vec<ObjectNeed>,
}

fn flag(list: Vec<ObjectNeed>, required: bool) -> impl Iterator<Item = ObjectNeed> {
    list.into_iter().map(move |mut o| {
        o.required = required;
        o
    })
}

/// The default object lists shipped in the binary.
pub fn defaults() -> Vec<ObjectNeed> {
    // The asset is part of the binary and checked by a test; an unreadable one means no objects.
    let lists: Lists = toml::from_str(DEFAULTS).unwrap_or(Lists {
        required: Vec::new(),
        optional: Vec::new(),
    });
    flag(lists.required, true)
        .chain(flag(lists.optional, false))
        .collect()
}

/// Parse a connection's own entries: `Account` (read) or `Account:rce`.
pub fn parse(required: &[String], optional: &[String]) -> Vec<ObjectNeed> {
    let one = |text: &String, required: bool| {
        let (name, access) = text.split_once(':').unwrap_or((text, "r"));
        ObjectNeed {
            name: name.trim().to_string(),
            access: access.trim().to_ascii_lowercase(),
            required,
        }
    };
    required
        .iter()
        .map(|t| one(t, true))
        .chain(optional.iter().map(|t| one(t, false)))
        .collect()
}

/// Words for access letters: "read, create, edit".
pub fn describe_access(letters: &str) -> String {
    let words: Vec<&str> = letters
        .chars()
        .filter_map(|c| match c {
            'r' => Some("read"),
            'c' => Some("create"),
            'e' => Some("edit"),
            'd' => Some("delete"),
            _ => None,
        })
        .collect();
    words.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_asset_parses_with_required_and_optional_objects() {
        let all = defaults();
        assert!(
            all.iter()
                .any(|o| o.name == "Account" && o.required && o.access == "rce")
        );
        assert!(all.iter().any(|o| o.name == "Lead" && !o.required));
        assert!(all.len() >= 5);
    }

    #[test]
    fn own_lists_parse_access_letters() {
        let parsed = parse(&["Account:RCE".into()], &["Case".into()]);
        assert_eq!(parsed[0].access, "rce");
        assert!(parsed[0].required);
        assert_eq!(parsed[1].access, "r");
        assert_eq!(describe_access("rce"), "read, create, edit");
    }
}
