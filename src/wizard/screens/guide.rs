//! Before the form: what the method needs in Salesforce, then the guides to prepare it.

use super::super::keys::Binding;
use super::super::{App, Effect, Key, Screen, step};
use crate::profile::Ui;

pub(crate) fn on_prerequisites_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Enter => {
            app.scroll = 0;
            app.screen = Screen::Guide { page: 0 };
        }
        Key::Esc => app.screen = Screen::Method,
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}

/// Keys on guide `page` of the method's guides.
pub(crate) fn on_key(app: &mut App, mut page: usize, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('l') => app.ui = Ui::Lightning,
        Key::Char('c') => app.ui = Ui::Classic,
        Key::Tab | Key::BackTab => {
            let guides = app.guides().len();
            step(&mut page, guides, key);
            app.scroll = 0;
            app.screen = Screen::Guide { page };
        }
        // Up and Down scroll a guide longer than the screen.
        Key::Down | Key::Up => {
            app.scroll_by(key);
        }
        Key::Enter => app.enter_credentials(),
        Key::Esc if app.reauth.is_some() && !app.moving => app.back_to_reauth(),
        Key::Esc => app.screen = Screen::Prerequisites,
        _ => {}
    }
    Vec::new()
}

pub(crate) fn prerequisites_bindings() -> Vec<Binding> {
    vec![
        Binding::new(&[Key::Enter], "Enter", "show how to prepare Salesforce")
            .footer("Enter show me how"),
        Binding::scroll("scroll"),
        Binding::new(&[Key::Esc], "Esc", "back to the methods").footer("Esc back"),
    ]
}

pub(crate) fn bindings(app: &App) -> Vec<Binding> {
    let mut keys = Vec::new();
    if app.guides().len() > 1 {
        keys.push(
            Binding::new(
                &[Key::Tab, Key::BackTab],
                "Tab / Shift-Tab",
                "next or previous guide",
            )
            .footer("Tab next guide"),
        );
    }
    keys.extend([
        Binding::scroll("scroll the guide").footer("↑↓ scroll"),
        Binding::new(
            &[Key::Char('l'), Key::Char('c')],
            "l / c",
            "Setup paths for Lightning Experience or Salesforce Classic",
        )
        .footer("l/c Lightning/Classic"),
        Binding::new(&[Key::Enter], "Enter", "ready: go to the form").footer("Enter I'm ready"),
        Binding::new(&[Key::Esc], "Esc", "back").footer("Esc back"),
    ]);
    keys
}
