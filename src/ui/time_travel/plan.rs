//! Drawing the "Restore plan" dialog: the moment, the counts, each name's step (scrolled),
//! and the answers. Drawing only; the state is `app/time_travel/plan.rs`.

use ratatui::Frame;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::app::App;
use crate::app::time_travel::plan::{PlanModal, Step};
use crate::ui::format::{count, sanitize, size, time};
use crate::ui::widgets::dialog::{block_with_keys, buttons, centered, show};

fn step_label(s: &Step) -> &'static str {
    match s {
        Step::Copy { .. } => "copy back",
        Step::Hide => "hide",
        Step::Unchanged => "unchanged",
        Step::KeepNewer => "keep (newer)",
    }
}

/// Draws the dialog, nearly the height of the screen.
pub fn render(app: &App, p: &PlanModal, frame: &mut Frame) {
    let t = &app.theme;
    let plan = &p.plan;
    let area = centered(frame.area(), 90, frame.area().height.saturating_sub(4));
    let state = if p.loading {
        format!("  computing… {} names so far", count(p.names.len()))
    } else {
        String::new()
    };
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                "Restore {} to {} UTC{state}",
                sanitize(&p.label),
                time(plan.at)
            ),
            t.past,
        )),
        Line::from(format!(
            "copy back {} ({}) · hide {} · leave alone {}",
            count(plan.copies()),
            size(plan.bytes_copied()),
            count(plan.hides()),
            count(plan.left_alone())
        )),
        Line::from(format!(
            "[{}] hide files that did not exist then (h)",
            if plan.hide_missing { "x" } else { " " }
        )),
        Line::default(),
    ];
    let room = usize::from(area.height.saturating_sub(8));
    for item in plan.items.iter().skip(p.scroll).take(room) {
        let detail = match &item.step {
            Step::Copy { source } => format!(
                "{} from {}",
                size(source.content_length),
                time(source.upload_timestamp)
            ),
            Step::Hide => format!("{} now", size(item.now_size)),
            _ => String::new(),
        };
        let style = match item.step {
            Step::Copy { .. } | Step::Hide => Style::new(),
            _ => t.hidden,
        };
        lines.push(Line::from(Span::styled(
            format!(
                "  {:<13} {}  {detail}",
                step_label(&item.step),
                sanitize(&item.name)
            ),
            style,
        )));
    }
    if plan.items.is_empty() && !p.loading {
        lines.push(Line::from(Span::styled(
            "  nothing under it, then or now",
            t.hidden,
        )));
    }
    while lines.len() < usize::from(area.height.saturating_sub(3)) {
        lines.push(Line::default());
    }
    lines.push(buttons(&app.theme, "Apply".to_owned(), p.apply_chosen));
    let block = block_with_keys(
        " Restore plan ",
        " y apply  n/Esc cancel  h hide missing  j/k scroll ",
        t.title,
        t.past,
    );
    show(frame, area, Paragraph::new(lines).block(block));
}
