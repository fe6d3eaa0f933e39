//! Colours and text styles. One meaning, one style: hidden, selected, error, focus.
//! `NO_COLOR` drops every colour but keeps bold/reverse/dim, so selection stays visible.

use ratatui::style::{Color, Modifier, Style};

/// The styles the UI draws with.
#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub border: Style,
    pub border_focused: Style,
    pub title: Style,
    pub header: Style,
    pub breadcrumb: Style,
    /// The selected row of the focused pane.
    pub selected: Style,
    /// The selected row of an unfocused pane.
    pub selected_unfocused: Style,
    pub folder: Style,
    /// Hide markers and hidden files.
    pub hidden: Style,
    pub current_marker: Style,
    pub footer_key: Style,
    pub footer_desc: Style,
    pub info: Style,
    pub warn: Style,
    pub error: Style,
    pub modal_border: Style,
    pub error_border: Style,
    /// Browsing the past (point in time): header note and pane borders.
    pub past: Style,
    /// Marked entries.
    pub marked: Style,
}

impl Default for Theme {
    fn default() -> Self {
        Self::colored()
    }
}

impl Theme {
    /// The theme for this environment: `NO_COLOR` set (to anything non-empty) → monochrome.
    pub fn from_env() -> Self {
        match std::env::var_os("NO_COLOR") {
            Some(v) if !v.is_empty() => Self::monochrome(),
            _ => Self::colored(),
        }
    }

    /// The default coloured theme.
    pub fn colored() -> Self {
        Self {
            border: Style::new().fg(Color::DarkGray),
            border_focused: Style::new()
                .fg(Color::LightCyan)
                .add_modifier(Modifier::BOLD),
            title: Style::new().add_modifier(Modifier::BOLD),
            header: Style::new().fg(Color::Gray),
            breadcrumb: Style::new()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD),
            selected: Style::new()
                .bg(Color::Cyan)
                .fg(Color::Black)
                .add_modifier(Modifier::BOLD),
            selected_unfocused: Style::new().bg(Color::DarkGray),
            folder: Style::new()
                .fg(Color::LightBlue)
                .add_modifier(Modifier::BOLD),
            hidden: Style::new().fg(Color::DarkGray).add_modifier(Modifier::DIM),
            current_marker: Style::new().fg(Color::LightGreen),
            footer_key: Style::new()
                .fg(Color::LightCyan)
                .add_modifier(Modifier::BOLD),
            footer_desc: Style::new().fg(Color::Gray),
            info: Style::new().fg(Color::LightGreen),
            warn: Style::new().fg(Color::LightYellow),
            error: Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            modal_border: Style::new().fg(Color::LightCyan),
            error_border: Style::new()
                .fg(Color::LightRed)
                .add_modifier(Modifier::BOLD),
            past: Style::new()
                .fg(Color::LightMagenta)
                .add_modifier(Modifier::BOLD),
            marked: Style::new().fg(Color::LightYellow),
        }
    }

    /// No colours at all: attributes only.
    pub fn monochrome() -> Self {
        let plain = Style::new();
        let bold = Style::new().add_modifier(Modifier::BOLD);
        Self {
            border: plain,
            border_focused: bold,
            title: bold,
            header: plain,
            breadcrumb: bold,
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            selected_unfocused: Style::new().add_modifier(Modifier::UNDERLINED),
            folder: bold,
            hidden: Style::new().add_modifier(Modifier::DIM),
            current_marker: bold,
            footer_key: bold,
            footer_desc: plain,
            info: plain,
            warn: bold,
            error: bold,
            modal_border: bold,
            error_border: bold,
            past: Style::new().add_modifier(Modifier::BOLD | Modifier::ITALIC),
            marked: bold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_color(s: &Style) -> bool {
        s.fg.is_some_and(|c| c != Color::Reset) || s.bg.is_some_and(|c| c != Color::Reset)
    }

    #[test]
    fn monochrome_has_no_colours_but_marks_selection() {
        let t = Theme::monochrome();
        for s in [
            &t.border,
            &t.border_focused,
            &t.title,
            &t.header,
            &t.breadcrumb,
            &t.selected,
            &t.selected_unfocused,
            &t.folder,
            &t.hidden,
            &t.current_marker,
            &t.footer_key,
            &t.footer_desc,
            &t.info,
            &t.warn,
            &t.error,
            &t.modal_border,
            &t.error_border,
            &t.past,
            &t.marked,
        ] {
            assert!(!has_color(s), "{s:?} has a colour");
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(has_color(&Theme::colored().selected));
    }
}
