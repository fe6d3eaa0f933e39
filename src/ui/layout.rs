//! Screen layout: header, the three panes (20/45/35, the buckets pane folds away below
//! 100 columns; with the preview shown, files over versions on the left and the preview
//! on the right), status line and footer, plus drawing of those bars.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
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
    /// The preview pane, while it is shown.
    pub preview: Option<Rect>,
    pub status: Rect,
    pub footer: Rect,
}

/// Splits the screen. On narrow terminals two panes share the width: buckets + files while
/// the buckets pane has focus, else files + versions.
pub fn areas(area: Rect, focus: Focus) -> Areas {
    areas_with(area, focus, false)
}

/// [`areas`], with the preview pane when `preview` and a file pane has focus: the files
/// pane (top, 60%) over the versions pane on the left 45%, the preview on the right.
pub fn areas_with(area: Rect, focus: Focus, preview: bool) -> Areas {
    let [header, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    if preview && focus != Focus::Buckets {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(main);
        let [f, v] =
            Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(left);
        return Areas {
            header,
            main,
            buckets: None,
            files: f,
            versions: Some(v),
            preview: Some(right),
            status,
            footer,
        };
    }
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
            preview: None,
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
            preview: None,
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
            preview: None,
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
    ];
    if !app.session.source_label.is_empty() {
        spans.push(Span::styled(
            format!(" · {}", sanitize(&app.session.source_label)),
            t.header,
        ));
    }
    if !app.session.time_zone.is_empty() {
        spans.push(Span::styled(
            format!(" · times {}", app.session.time_zone),
            t.header,
        ));
    }
    spans.extend(expiry_span(app));
    spans.push(Span::raw("   "));
    if let Some(b) = &app.files.bucket {
        // A prefix-restricted key's floor is the fixed part of the path.
        let floor = &app.files.floor;
        let rest = app.files.prefix.strip_prefix(floor.as_str()).unwrap_or("");
        spans.push(Span::styled(
            format!("b2://{}/{}", sanitize(&b.name), sanitize(floor)),
            if floor.is_empty() {
                t.breadcrumb
            } else {
                t.breadcrumb.add_modifier(Modifier::UNDERLINED)
            },
        ));
        spans.push(Span::styled(sanitize(rest).into_owned(), t.breadcrumb));
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

/// `! key expires in 3 d` when the application key expires within 7 days.
fn expiry_span(app: &App) -> Option<Span<'static>> {
    const WEEK_MS: i64 = 7 * 86_400_000;
    let expires = app.session.key.expiration?;
    let now = app.restore.now_ms;
    let left = expires - now;
    if now == 0 || left > WEEK_MS {
        return None;
    }
    let text = if left <= 0 {
        "  ! key expired".to_owned()
    } else if left < 86_400_000 {
        format!("  ! key expires in {} h", (left / 3_600_000).max(1))
    } else {
        format!("  ! key expires in {} d", left / 86_400_000)
    };
    Some(Span::styled(text, app.theme.warn))
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

/// One footer hint: the key, what it does, and whether the application key lacks a
/// capability for it (then it is dimmed and names the capability).
struct Hint {
    key: String,
    desc: String,
    unavailable: bool,
}

impl Hint {
    fn width(&self) -> usize {
        self.key.chars().count() + self.desc.chars().count() + 3
    }
}

/// The keys that matter where the keyboard is, from the keymap.
pub fn render_footer(app: &App, frame: &mut Frame, area: Rect) {
    let t = &app.theme;
    let scope = app.scope();
    let hint = |b: &crate::config::Binding, scope| {
        let key = b.keys.first()?.label();
        // The transfers view offers only what applies to the job under the cursor.
        let desc = if scope == Scope::Transfers {
            match app.offered_for_job(b.action)? {
                Some(words) => words.to_owned(),
                None => b.desc.clone(),
            }
        } else {
            b.desc.clone()
        };
        // An action the key cannot do stays listed, dimmed, naming what it needs.
        Some(match app.missing_for(scope, b.action) {
            Some(cap) => Hint {
                key,
                desc: format!("{desc} (needs {cap})"),
                unavailable: true,
            },
            None => Hint {
                key,
                desc,
                unavailable: false,
            },
        })
    };
    // A hint and whether it always shows (help and quit in the panes).
    let mut hints: Vec<(Hint, bool)> = app
        .keymap
        .bindings(scope)
        .iter()
        .filter_map(|b| {
            Some((
                hint(b, scope)?,
                scope.is_pane() && b.action == Action::ShowHelp,
            ))
        })
        .collect();
    let listed = |action| {
        app.keymap
            .binding_for(Scope::Global, action)
            .and_then(|b| hint(b, Scope::Global))
    };
    // Browsing the past: first of all, how to get back (Esc in the files pane).
    if scope == Scope::Files
        && app.restore.as_of.is_some()
        && let Some(h) = listed(Action::Close)
    {
        let back = Hint {
            desc: "back to the present".to_owned(),
            ..h
        };
        hints.insert(0, (back, true));
    }
    // In the panes, the pane's own keys come in keymap order (its main keys first, help
    // where the pane lists it), then the pane switch, refresh and go-to as room allows;
    // help (at the end unless the pane lists it) and quit always show.
    if scope.is_pane() {
        for action in [Action::NextPane, Action::Refresh, Action::GoToPath] {
            hints.extend(listed(action).map(|h| (h, false)));
        }
        if app.keymap.binding_for(scope, Action::ShowHelp).is_none() {
            hints.extend(listed(Action::ShowHelp).map(|h| (h, true)));
        }
        hints.extend(listed(Action::Quit).map(|h| (h, true)));
    }
    let mut room = usize::from(area.width).saturating_sub(1).saturating_sub(
        hints
            .iter()
            .filter(|(_, always)| *always)
            .map(|(h, _)| h.width())
            .sum(),
    );
    let mut shown = Vec::new();
    let mut full = false;
    for (hint, always) in hints {
        if always {
            shown.push(hint);
            continue;
        }
        let w = hint.width();
        if full || w > room {
            full = true;
            continue;
        }
        room -= w;
        shown.push(hint);
    }
    let mut spans = vec![Span::raw(" ")];
    for h in shown {
        let (key, desc) = if h.unavailable {
            (t.hidden, t.hidden)
        } else {
            (t.footer_key, t.footer_desc)
        };
        spans.push(Span::styled(h.key, key));
        spans.push(Span::styled(format!(" {}  ", h.desc), desc));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
