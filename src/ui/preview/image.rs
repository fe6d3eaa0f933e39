//! Images in the preview pane, drawn with ratatui-image: kitty or iTerm2 when the config
//! file says so or the terminal's environment names one (`KITTY_WINDOW_ID`,
//! `TERM_PROGRAM`), sixel when the config file says so, else half-blocks. The terminal is
//! never queried (a query would race the key reader and slow start-up). The encoded image
//! is kept for its area, so a frame that does not move it costs nothing.

use std::cell::RefCell;
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Rect, Size};
use ratatui::widgets::Paragraph;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;
use ratatui_image::{FilterType, FontSize, Image, Resize};

use crate::app::App;
use crate::config::preview::ImageMode;

/// The image last encoded: which one (by address), for which area and mode.
struct Encoded {
    image: Arc<image::DynamicImage>,
    area: Rect,
    mode: ImageMode,
    protocol: Option<Protocol>,
}

thread_local! {
    static LAST: RefCell<Option<Encoded>> = const { RefCell::new(None) };
}

/// The protocol for `mode` (`Auto`: from the environment).
fn protocol_type(mode: ImageMode) -> ProtocolType {
    match mode {
        ImageMode::Halfblocks => ProtocolType::Halfblocks,
        ImageMode::Kitty => ProtocolType::Kitty,
        ImageMode::Sixel => ProtocolType::Sixel,
        ImageMode::Iterm2 => ProtocolType::Iterm2,
        ImageMode::Auto => {
            let var = |k: &str| std::env::var(k).unwrap_or_default();
            if !var("KITTY_WINDOW_ID").is_empty() || var("TERM") == "xterm-kitty" {
                ProtocolType::Kitty
            } else if matches!(var("TERM_PROGRAM").as_str(), "iTerm.app" | "WezTerm") {
                ProtocolType::Iterm2
            } else {
                ProtocolType::Halfblocks
            }
        }
    }
}

/// A picker for `mode`; the cell size in pixels comes from the terminal (an ioctl, no
/// query), else 10×20.
fn picker(mode: ImageMode) -> Picker {
    let kind = protocol_type(mode);
    if kind == ProtocolType::Halfblocks {
        return Picker::halfblocks();
    }
    let font = crossterm::terminal::window_size()
        .ok()
        .filter(|w| w.width > 0 && w.height > 0 && w.columns > 0 && w.rows > 0)
        .map_or(FontSize::new(10, 20), |w| {
            FontSize::new((w.width / w.columns).max(1), (w.height / w.rows).max(1))
        });
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(font);
    picker.set_protocol_type(kind);
    picker
}

pub fn render(app: &App, img: &Arc<image::DynamicImage>, frame: &mut Frame, area: Rect) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let mode = app.preview.config.images;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let fresh = last
            .as_ref()
            .is_some_and(|e| Arc::ptr_eq(&e.image, img) && e.area == area && e.mode == mode);
        if !fresh {
            let picker = picker(mode);
            let font = picker.font_size();
            let (w, h) = (u32::from(font.width), u32::from(font.height));
            let smaller = img.width() <= u32::from(area.width) * w
                && img.height() <= u32::from(area.height) * h;
            // Small images grow to the pane, crisp; big ones shrink, smoothed.
            let resize = if smaller {
                Resize::Scale(None)
            } else {
                Resize::Fit(Some(FilterType::Triangle))
            };
            let protocol = picker
                .new_protocol((**img).clone(), Size::new(area.width, area.height), resize)
                .ok();
            *last = Some(Encoded {
                image: img.clone(),
                area,
                mode,
                protocol,
            });
        }
        match last.as_ref().and_then(|e| e.protocol.as_ref()) {
            Some(p) => frame.render_widget(Image::new(p), area),
            None => frame.render_widget(
                Paragraph::new("The image could not be drawn").style(app.theme.hidden),
                area,
            ),
        }
    });
}
