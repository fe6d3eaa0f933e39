//! Draws the preview pane: a frame titled with the name, a header line (how much was read
//! of how much, and what the content is), then the lines from the scroll position
//! (wrapped for text, shifted sideways for tables and hex dumps) or the image.

mod image;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::app::preview::{Line as PLine, Tone};
use crate::app::{App, SPINNER};
use crate::ui::format::sanitize;
use crate::ui::pane_block;

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let p = &app.preview;
    let t = &app.theme;
    let name = p.title.rsplit('/').find(|s| !s.is_empty()).unwrap_or("");
    let title = if name.is_empty() {
        " Preview ".to_owned()
    } else {
        format!(" Preview  {} ", sanitize(name))
    };
    let block = pane_block(app, Line::from(title), false);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let mut parts: Vec<String> = Vec::new();
    if !p.extent.is_empty() {
        parts.push(p.extent.clone());
    }
    if !p.body.kind.is_empty() {
        parts.push(sanitize(&p.body.kind).into_owned());
    }
    let mut header = parts.join(" · ");
    if p.is_loading() {
        header = format!("{} {header}", SPINNER[app.spinner % SPINNER.len()]);
    }
    frame.render_widget(Paragraph::new(header).style(t.hidden), head);
    if let Some(img) = &p.body.image {
        image::render(app, img, frame, body);
        return;
    }
    let height = usize::from(body.height);
    let lines: Vec<Line> = p
        .body
        .lines
        .iter()
        .skip(p.scroll)
        .take(height.max(1))
        .map(|l| to_line(app, l))
        .collect();
    let mut para = Paragraph::new(lines);
    if p.body.wrap {
        para = para.wrap(Wrap { trim: false });
    } else {
        para = para.scroll((0, u16::try_from(p.column).unwrap_or(u16::MAX)));
    }
    frame.render_widget(para, body);
}

/// A preview line as drawn. Content spans hold no control characters (escaped when the
/// lines were made); notes come from the server and pass `sanitize` again.
fn to_line<'a>(app: &App, line: &'a PLine) -> Line<'a> {
    let t = &app.theme;
    let colour = t.folder.fg.is_some();
    Line::from(
        line.spans
            .iter()
            .map(|s| {
                let style = match s.tone {
                    Tone::Plain => Style::new(),
                    Tone::Escape => t.warn.add_modifier(Modifier::BOLD),
                    Tone::Note => t.hidden.add_modifier(Modifier::ITALIC),
                    Tone::Heading => Style::new().add_modifier(Modifier::BOLD),
                    Tone::Gutter => t.hidden,
                    Tone::Rgb(r, g, b) if colour => Style::new().fg(Color::Rgb(r, g, b)),
                    Tone::Rgb(..) => Style::new(),
                };
                if s.tone == Tone::Note {
                    Span::styled(sanitize(&s.text).into_owned(), style)
                } else {
                    Span::styled(s.text.as_str(), style)
                }
            })
            .collect::<Vec<_>>(),
    )
}
