//! Before the form: what the method needs in Salesforce, then the guides to prepare it.

use super::super::{App, Effect, Key, Screen, step};
use crate::profile::Ui;

pub(crate) fn on_prerequisites_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Enter => {
            app.guide = 0;
            app.scroll = 0;
            app.screen = Screen::Guide;
        }
        Key::Esc => app.screen = Screen::Method,
        _ => {
            app.scroll_by(key);
        }
    }
    Vec::new()
}

pub(crate) fn on_key(app: &mut App, key: Key) -> Vec<Effect> {
    match key {
        Key::Char('l') => app.ui = Ui::Lightning,
        Key::Char('c') => app.ui = Ui::Classic,
        Key::Tab | Key::BackTab => {
            let guides = app.guides().len();
            step(&mut app.guide, guides, key);
            app.scroll = 0;
        }
        // Up and Down scroll a guide longer than the screen.
        Key::Down | Key::Up => {
            app.scroll_by(key);
        }
        Key::Enter => app.enter_credentials(),
        Key::Esc if app.reauth.is_some() && !app.moving => app.screen = Screen::Reauth,
        Key::Esc => app.screen = Screen::Prerequisites,
        _ => {}
    }
    Vec::new()
}
