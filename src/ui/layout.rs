//! Screen layout: header, the three panes (20/45/35, the buckets pane folds away below
//! 100 columns), status line and footer, plus drawing of those bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::format::sanitize;
use crate::app::Action;
use crate::app::{App, Focus, Level, SPINNER};
use crate::input::Scope;

/// Below this width the buckets pane is only shown while focused (it folds away first).
pub const NARROW: u16 = 100;

/// Where each part of the screen goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    /// Everything between the header and the status line (the views other than Browse).
    pub main: Rect,
    pub buckets: Option<Rect>,
    pub files: Rect,
    pub versions: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// Splits the screen. On narrow terminals two panes share the width: buckets + files while
/// the buckets pane has focus, else files + versions.
pub fn areas(area: Rect, focus: Focus) -> Areas {
    let [header, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if area.width >= NARROW {
        let [b, f, v] = Layout::horizontal([
            Constraint::Percentage(20),
            Constraint::Percentage(45),
            Constraint::Percentage(35),
        ])
        .areas(main);
        return Areas {
            header,
            main,
            buckets: Some(b),
            files: f,
            versions: Some(v),
            status,
            footer,
        };
    }
    if focus == Focus::Buckets {
        let [b, f] = Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)])
            .areas(main);
        Areas {
            header,
            main,
            buckets: Some(b),
            files: f,
            versions: None,
            status,
            footer,
        }
    } else {
        let [f, v] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(main);
        Areas {
            header,
            main,
            buckets: None,
            files: f,
            versions: Some(v),
            status,
            footer,
        }
    }
}

/// ` b2tui  acct 3f2a…  endpoint   b2://bucket/prefix/   ⠋`
pub fn render_header(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let acct = &app.session.account_id;
    let acct = if acct.chars().count() > 8 {
        format!("{}…", acct.chars().take(6).collect::<String>())
    } else {
        acct.clone()
    };
    let mut spans = vec![
        Span::styled(" b2tui ", t.title),
        Span::styled(
            format!(" acct {acct}  {}", app.session.endpoint_label),
            t.header,
        ),
        Span::raw("   "),
    ];
    if let Some(b) = &app.files.bucket {
        spans.push(Span::styled(
            format!("b2://{}/{}", sanitize(&b.name), sanitize(&app.files.prefix)),
            t.breadcrumb,
        ));
    }
    spans.extend(super::restore::as_of_span(app));
    spans.extend(super::restore::status_spans(app));
    spans.extend(super::transfers::summary_spans(app));
    if app.is_loading() {
        let spin = if app.session.deterministic {
            "…"
        } else {
            SPINNER[app.spinner % SPINNER.len()]
        };
        spans.push(Span::styled(format!("   {spin} loading"), t.header));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The current notification, if any.
pub fn render_status(app: &App, frame: &mut Frame, area: Rect) {
    let Some(n) = &app.notification else {
        return;
    };
    let (style, mark) = match n.level {
        Level::Info => (app.theme.info, "•"),
        Level::Warn => (app.theme.warn, "!"),
        Level::Error => (app.theme.error, "✖"),
    };
    let line = Line::from(Span::styled(
        format!(" {mark} {}", sanitize(&n.text)),
        style,
    ));
    frame.render_widget(Paragraph::new(line), area);
}

/// The keys that matter where the keyboard is, from the keymap.
pub fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let scope = app.scope();
    let label = |b: &crate::config::Binding| Some((b.keys.first()?.label(), b.desc.clone()));
    // A hint and whether it always shows (help and quit in the panes).
    let mut hints: Vec<((String, String), bool)> = app
        .keymap
        .bindings(scope)
        .iter()
        .filter_map(|b| Some((label(b)?, scope.is_pane() && b.action == Action::ShowHelp)))
        .collect();
    // Browsing the past: first of all, how to get back (Esc in the files pane).
    if scope == Scope::Files
        && app.restore.as_of.is_some()
        && let Some((key, _)) = app
            .keymap
            .binding_for(Scope::Global, Action::Close)
            .and_then(label)
    {
        hints.insert(0, ((key, "back to the present".to_owned()), true));
    }
    // In the panes, the pane's own keys come in keymap order (its main keys first, help
    // where the pane lists it), then the pane switch and refresh as room allows; help (at
    // the end unless the pane lists it) and quit always show.
    if scope.is_pane() {
        let listed = |action| {
            app.keymap
                .binding_for(Scope::Global, action)
                .and_then(label)
        };
        for action in [Action::NextPane, Action::Refresh] {
            hints.extend(listed(action).map(|h| (h, false)));
        }
        if app.keymap.binding_for(scope, Action::ShowHelp).is_none() {
            hints.extend(listed(Action::ShowHelp).map(|h| (h, true)));
        }
        hints.extend(listed(Action::Quit).map(|h| (h, true)));
    }
    let width = |(key, desc): &(String, String)| key.chars().count() + desc.chars().count() + 3;
    let mut room = usize::from(area.width).saturating_sub(1).saturating_sub(
        hints
            .iter()
            .filter(|(_, always)| *always)
            .map(|(h, _)| width(h))
            .sum(),
    );
    let mut shown = Vec::new();
    let mut full = false;
    for (hint, always) in hints {
        if always {
            shown.push(hint);
            continue;
        }
        let w = width(&hint);
        if full || w > room {
            full = true;
            continue;
        }
        room -= w;
        shown.push(hint);
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, desc) in shown {
        spans.push(Span::styled(key, t.footer_key));
        spans.push(Span::styled(format!(" {desc}  "), t.footer_desc));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
