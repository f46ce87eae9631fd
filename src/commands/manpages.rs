//! `sfconnect manpages DIR`: a manual page for the tool and one per command. clap_mangen draws
//! the name, synopsis, description and options; the closing help text is laid out here as a
//! well-kept tool's pages are: EXIT STATUS as a tagged list, EXAMPLES kept as typed, the rest
//! as NOTES with its own line breaks, and the version in every page's footer.

use std::path::Path;

use clap_mangen::Man;
use clap_mangen::roff::{Roff, roman};
use std::path::PathBuf;
use std::process::ExitCode;

/// Write `sfconnect.1` and `sfconnect-COMMAND.1` for every command that is not hidden.
pub fn write_all(top: clap::Command, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    // Built, so that each command carries the global options it shows.
    let mut top = top;
    top.build();
    let version = top.get_version().unwrap_or_default().to_string();
    let mut pages = vec![("sfconnect".to_string(), top.clone())];
    for sub in top.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("sfconnect-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .bin_name(format!("sfconnect {}", sub.get_name()));
        pages.push((name, page));
    }
    for (name, cmd) in pages {
        let mut out = Vec::new();
        render(cmd, &version, &mut out)?;
        std::fs::write(dir.join(format!("{name}.1")), out)?;
    }
    Ok(())
}

fn render(cmd: clap::Command, version: &str, w: &mut Vec<u8>) -> std::io::Result<()> {
    let closing = cmd
        .get_after_long_help()
        .or(cmd.get_after_help())
        .map(|h| h.to_string());
    let has_options = cmd.get_arguments().any(|a| !a.is_hide_set());
    let has_commands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let synopsis = synopsis(&cmd);
    let cmd = cmd.override_usage(synopsis);
    let man = Man::new(cmd)
        .source(format!("sfconnect {version}"))
        .manual("sfconnect manual");
    man.render_title(w)?;
    man.render_name_section(w)?;
    man.render_synopsis_section(w)?;
    man.render_description_section(w)?;
    if has_options {
        man.render_options_section(w)?;
    }
    if has_commands {
        man.render_subcommands_section(w)?;
    }
    if let Some(text) = closing {
        closing_sections(&text).to_writer(w)?;
    }
    Ok(())
}

/// The synopsis with each option's value placeholder: `sfconnect login [--flow FLOW] … NAME`,
/// options first.
fn synopsis(cmd: &clap::Command) -> String {
    let name = cmd.get_bin_name().unwrap_or(cmd.get_name()).to_string();
    let mut parts = vec![name];
    let mut args: Vec<&clap::Arg> = cmd.get_arguments().filter(|a| !a.is_hide_set()).collect();
    args.sort_by_key(|a| a.is_positional());
    for arg in args {
        let id = arg.get_id().as_str();
        if id == "help" || id == "version" {
            continue;
        }
        let values = arg
            .get_value_names()
            .map(|v| {
                v.iter()
                    .map(|s| s.to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_else(|| id.to_ascii_uppercase());
        let takes_value = arg.get_action().takes_values();
        let text = match (arg.get_long(), arg.get_short()) {
            (Some(long), _) if takes_value => format!("--{long} {values}"),
            (Some(long), _) => format!("--{long}"),
            (None, Some(short)) if takes_value => format!("-{short} {values}"),
            (None, Some(short)) => format!("-{short}"),
            (None, None) => values,
        };
        parts.push(if arg.is_required_set() {
            text
        } else {
            format!("[{text}]")
        });
    }
    if cmd.get_subcommands().any(|s| !s.is_hide_set()) {
        parts.push("[COMMAND]".into());
    }
    parts.join(" ")
}

/// The closing help text as sections: "Exit codes: 0 …; 1 …" becomes EXIT STATUS with a tagged
/// paragraph per code; "Example: …" (with its continuation lines) EXAMPLES, as typed; every
/// other paragraph NOTES, its line breaks kept.
fn closing_sections(text: &str) -> Roff {
    let mut notes: Vec<String> = Vec::new();
    let mut examples: Vec<String> = Vec::new();
    let mut exits: Vec<(String, String)> = Vec::new();
    for paragraph in text.split("\n\n") {
        // Exit codes run to the end of their paragraph, over any line breaks.
        let (paragraph, codes) = match paragraph.split_once("Exit codes:") {
            Some((before, codes)) => (before, Some(codes)),
            None => (paragraph, None),
        };
        if let Some(codes) = codes {
            exits.extend(exit_codes(codes));
        }
        let mut lines = paragraph.lines().peekable();
        let mut kept = Vec::new();
        while let Some(line) = lines.next() {
            if line.trim().is_empty() {
                continue;
            } else if let Some(example) = line.trim().strip_prefix("Example:") {
                let mut typed = example.trim().to_string();
                while let Some(next) = lines.peek() {
                    if !typed.ends_with('\\') {
                        break;
                    }
                    typed.push('\n');
                    typed.push_str(next);
                    lines.next();
                }
                examples.push(typed);
            } else {
                kept.push(line);
            }
        }
        if !kept.is_empty() {
            notes.push(kept.join("\n"));
        }
    }
    let mut roff = Roff::default();
    if !notes.is_empty() {
        roff.control("SH", ["NOTES"]);
        for note in notes {
            roff.control("PP", []);
            // Prose is filled to the reader's width; indented lines (lists, tables) are laid
            // out already and kept as they are.
            let mut prose = String::new();
            let mut laid_out = false;
            for line in note.lines() {
                let indented = line.starts_with(' ');
                if indented && !prose.is_empty() {
                    roff.text([roman(std::mem::take(&mut prose))]);
                }
                if indented != laid_out {
                    roff.control(if indented { "nf" } else { "fi" }, []);
                    laid_out = indented;
                }
                if indented {
                    roff.text([roman(line)]);
                } else {
                    if !prose.is_empty() {
                        prose.push(' ');
                    }
                    prose.push_str(line.trim());
                }
            }
            if !prose.is_empty() {
                roff.text([roman(prose)]);
            }
            if laid_out {
                roff.control("fi", []);
            }
        }
    }
    if !exits.is_empty() {
        roff.control("SH", ["EXIT STATUS"]);
        for (code, meaning) in exits {
            roff.control("TP", []);
            roff.text([roman(code)]);
            roff.text([roman(meaning)]);
        }
    }
    if !examples.is_empty() {
        roff.control("SH", ["EXAMPLES"]);
        for example in examples {
            roff.control("PP", []);
            roff.control("nf", []);
            roff.text([roman(example)]);
            roff.control("fi", []);
        }
    }
    roff
}

/// "0 saved; 1 the login failed; 2 usage" → (0, saved), (1, the login failed), (2, usage). The
/// same laid out a code per line ("  0  saved", continuation lines indented) works too.
fn exit_codes(text: &str) -> Vec<(String, String)> {
    let code_lines = text.lines().filter(|l| {
        let l = l.trim_start();
        l.starts_with(|c: char| c.is_ascii_digit()) && l.contains("  ")
    });
    let parts: Vec<String> = if code_lines.count() > 1 {
        let mut parts: Vec<String> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match parts.last_mut() {
                Some(last) if !line.starts_with(|c: char| c.is_ascii_digit()) => {
                    last.push(' ');
                    last.push_str(line);
                }
                _ => parts.push(line.split_whitespace().collect::<Vec<_>>().join(" ")),
            }
        }
        parts
    } else {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        flat.split(';').map(str::to_string).collect()
    };
    let mut out: Vec<(String, String)> = Vec::new();
    for part in &parts {
        let part = part.trim().trim_end_matches('.');
        let mut words = part.splitn(2, ' ');
        let first = words.next().unwrap_or_default();
        if !first.is_empty() && first.chars().all(|c| c.is_ascii_digit()) {
            out.push((
                first.to_string(),
                words.next().unwrap_or_default().to_string(),
            ));
        } else if let Some(last) = out.last_mut() {
            // A ';' inside one code's meaning.
            last.1.push_str("; ");
            last.1.push_str(part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::exit_codes;

    #[test]
    fn exit_codes_laid_out_a_line_each_become_one_entry_each() {
        let text = "\n  0  done\n  1  failed, or\n     nothing changed\n  2  usage";
        assert_eq!(
            exit_codes(text),
            vec![
                ("0".to_string(), "done".to_string()),
                ("1".to_string(), "failed, or nothing changed".to_string()),
                ("2".to_string(), "usage".to_string()),
            ]
        );
    }

    #[test]
    fn exit_codes_become_one_entry_each() {
        assert_eq!(
            exit_codes(" 0 saved; 1 the login failed; more on it; 2 usage."),
            vec![
                ("0".to_string(), "saved".to_string()),
                ("1".to_string(), "the login failed; more on it".to_string()),
                ("2".to_string(), "usage".to_string()),
            ]
        );
    }
}

/// Said under `manpages --help`.
pub const MANPAGES_HELP: &str = "Example: sfconnect manpages ~/.local/share/man/man1, then `man sfconnect-login`.\nExit codes: 0 written; 2 the directory cannot be written.";

/// Write the manual pages (sfconnect.1 and one per command) into a directory.
#[derive(Debug, clap::Args)]
pub struct ManpagesArgs {
    /// Where to write them (made when missing).
    pub dir: PathBuf,
}

impl ManpagesArgs {
    /// Write the pages of `top`, the whole command line.
    pub fn run(self, top: clap::Command) -> ExitCode {
        match write_all(top, &self.dir) {
            Ok(()) => {
                say!("Wrote the manual pages to {}.", self.dir.display());
                ExitCode::SUCCESS
            }
            Err(e) => super::fail(
                super::EXIT_USAGE,
                format!(
                    "cannot write the manual pages to {}: {e}",
                    self.dir.display()
                ),
            ),
        }
    }
}
