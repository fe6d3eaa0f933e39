//! Draws modals: dispatches each to its feature's drawing, and draws the help overlay
//! (generated from the keymap) and error popups itself.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Padding, Paragraph, Wrap};

use crate::app::{App, Modal};
use crate::input::Scope;
use crate::ui::format::sanitize;
use crate::ui::widgets::dialog::centered;

/// Draws one modal.
pub fn render(app: &App, modal: &Modal, frame: &mut Frame) {
    match modal {
        Modal::Help { scroll } => render_help(app, *scroll, frame),
        Modal::Error { title, message } => render_error(app, title, message, frame),
        Modal::Keys(m) => super::keys::render_modal(app, m, frame),
        Modal::Restore(m) => super::restore::render_modal(app, m, frame),
        Modal::Settings(m) => crate::ui::settings::render_modal(app, m, frame),
        Modal::Transfer(m) => super::transfers::render_modal(app, m, frame),
        Modal::GoTo(p) => super::goto::render(app, p, frame),
        Modal::Profiles(p) => super::profiles::render(app, p, frame),
        Modal::Search { .. } => super::search::render(app, frame),
        Modal::Actions(m) => super::actions::render(app, m, frame),
    }
}

fn scope_title(scope: Scope) -> &'static str {
    match scope {
        Scope::Global => "Everywhere (panes)",
        Scope::Buckets => "Buckets pane",
        Scope::Files => "Files pane",
        Scope::Versions => "Versions pane",
        Scope::Filter => "Filter line",
        Scope::Help => "Help",
        Scope::Error => "Error popup",
        Scope::Keys => "Keys view",
        Scope::KeyForm => "New key form",
        Scope::KeySecret => "New key secret",
        Scope::KeyDelete => "Delete key",
        Scope::KeyRevoked => "Key deleted",
        Scope::ConfirmDelete => "Delete versions",
        Scope::ConfirmHide => "Delete (hide) files",
        Scope::TimeTravel => "Point in time",
        Scope::RestorePlan => "Restore plan",
        Scope::HiddenFiles => "Recently deleted",
        Scope::FileInfo => "Version details",
        Scope::Settings => "Bucket settings",
        Scope::Form => "Forms",
        Scope::Dialog => "Dialogs",
        Scope::Transfers => "Transfers view",
        Scope::PathPrompt => "Path prompt",
        Scope::CancelJob => "Cancel transfer",
        Scope::Conflict => "Existing local files",
        Scope::Unfinished => "Unfinished large files",
        Scope::ConfirmCancel => "Cancel",
        Scope::ConfirmQuit => "Quit with transfers running",
        Scope::GoTo => "Go to a path",
        Scope::Profiles => "Profiles",
        Scope::Purge => "Empty a bucket or folder",
        Scope::Search => "Search results",
        Scope::SearchPrompt => "Search pattern",
        Scope::Usage => "Usage view",
        Scope::UsagePrice => "Usage: price per TB",
        Scope::FileMenu => "File menus (copy, edit conflict)",
    }
}

/// The help text: per scope, a heading and one line per binding.
pub fn help_lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut lines = Vec::new();
    for scope in Scope::ALL {
        let bindings = app.keymap.bindings(scope);
        lines.push(Line::from(Span::styled(scope_title(scope), t.breadcrumb)));
        for b in bindings {
            let mut line = vec![
                Span::styled(format!("  {:<18}", b.keys_label()), t.footer_key),
                Span::raw(b.desc.clone()),
            ];
            if let Some(cap) = app.missing_for(scope, b.action) {
                line.push(Span::styled(
                    format!("  unavailable: needs {cap}"),
                    t.hidden,
                ));
            }
            lines.push(Line::from(line));
        }
        lines.push(Line::default());
    }
    lines
}

fn render_help(app: &App, scroll: usize, frame: &mut Frame) {
    let area = centered(frame.area(), 60, frame.area().height.saturating_sub(4));
    let lines = help_lines(app);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.theme.modal_border)
        .title(Line::from(" Keys ").style(app.theme.title))
        .title_bottom(Line::from(" Esc close  j/k scroll ").right_aligned())
        .padding(Padding::horizontal(1));
    let scroll = u16::try_from(scroll).unwrap_or(u16::MAX);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

fn render_error(app: &App, title: &str, message: &str, frame: &mut Frame) {
    let outer = frame.area();
    let width = 64.min(outer.width.saturating_sub(4)).max(20);
    let inner_width = usize::from(width.saturating_sub(4)).max(1);
    let text = sanitize_multiline(message);
    let wrapped: usize = text
        .lines()
        .map(|l| l.chars().count().div_ceil(inner_width).max(1))
        .sum();
    let height = u16::try_from(wrapped).unwrap_or(u16::MAX).saturating_add(4);
    let area = centered(outer, width, height);
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(app.theme.error_border)
        .title(Line::from(format!(" {} ", sanitize(title))).style(app.theme.error))
        .title_bottom(Line::from(" ⏎/Esc close ").right_aligned());
    let p = Paragraph::new(text)
        .wrap(Wrap { trim: false })
        .block(block.padding(Padding::new(1, 1, 1, 0)));
    frame.render_widget(Clear, area);
    frame.render_widget(p, area);
}

/// Sanitizes each line on its own, so the message's own line breaks survive.
fn sanitize_multiline(s: &str) -> String {
    s.split('\n')
        .map(|l| sanitize(l).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
