//! Search the bucket (`F` in the files pane): a pattern prompt, then a list of every name
//! under the folder shown that matches, filled as the worker's scan pages through the
//! folder (`worker/search.rs`), with its progress and a way to stop it. The list takes the
//! usual actions: open the containing folder on the name, its versions, mark, download
//! (the transfers' download prompt), delete (hide, the files' confirmation), unhide and
//! restore (`actions.rs`). Hidden names are searched too when asked (like the files pane's
//! hidden toggle); while the files pane shows a past moment, the names as they were then.
//!
//! The state outlives the overlay (`App::search`): leaving it for a result and pressing `F`
//! again in the same bucket shows the same results, ready to search the folder shown now. Only matches are kept, at most
//! [`MAX_KEPT`]; the scan counts the rest. No I/O.

mod actions;

use std::collections::BTreeSet;
use std::time::Duration;

use crossterm::event::{Event, KeyEvent};
use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crate::app::panes::Cursor;
use crate::app::{Action, App, BucketRef, Effects, Focus, Level, Modal, Motion};
use crate::input::Scope;
use crate::worker::search::{NamePattern, SearchCommand, SearchEnd, SearchHit, SearchProgress};
use crate::worker::{Command, Failure, RequestId};

/// Matches kept per search; more are counted, not kept.
pub const MAX_KEPT: usize = 100_000;

/// One search: where, what, how far, and what it found.
#[derive(Clone, Debug)]
pub struct Search {
    pub bucket: BucketRef,
    /// The folder of the results ("" = the whole bucket); names are shown below it.
    pub prefix: String,
    /// The folder the next scan covers: the one shown when the overlay was opened.
    pub folder: String,
    pub input: Input,
    /// What is wrong with the typed pattern, shown under it.
    pub input_error: Option<String>,
    /// The pattern of the results shown ("" before the first scan).
    pub pattern: String,
    /// The scan of the results shown.
    pub req: Option<RequestId>,
    pub running: bool,
    pub scanned: u64,
    pub matched: u64,
    pub elapsed: Duration,
    pub end: Option<SearchEnd>,
    /// Why the scan stopped early, when it failed.
    pub failed: Option<String>,
    pub hits: Vec<SearchHit>,
    pub cursor: Cursor,
    /// Marked rows (indexes into `hits`).
    pub marks: BTreeSet<usize>,
    /// The most matches kept.
    pub limit: usize,
    /// The next scan matches hidden names too (now only; the past shows no hidden names).
    pub hidden: bool,
    /// The moment the results shown are of (ms since the epoch); None = now.
    pub as_of: Option<i64>,
    /// Unhide jobs started here and the names they unhide, to update the rows when done.
    pub pending: Vec<(RequestId, Vec<String>)>,
}

impl Search {
    fn new(bucket: BucketRef, prefix: String, text: &str, hidden: bool) -> Self {
        Self {
            bucket,
            folder: prefix.clone(),
            prefix,
            input: Input::new(text.to_owned()),
            input_error: None,
            pattern: String::new(),
            req: None,
            running: false,
            scanned: 0,
            matched: 0,
            elapsed: Duration::ZERO,
            end: None,
            failed: None,
            hits: Vec::new(),
            cursor: Cursor::default(),
            marks: BTreeSet::new(),
            limit: MAX_KEPT,
            hidden,
            as_of: None,
            pending: Vec::new(),
        }
    }

    /// True when more matched than were kept.
    pub fn capped(&self) -> bool {
        self.matched > self.hits.len() as u64
    }

    /// Names scanned per second so far (0 before the first batch).
    pub fn rate(&self) -> u64 {
        let ms = self.elapsed.as_millis();
        if ms == 0 {
            return 0;
        }
        u64::try_from(u128::from(self.scanned) * 1000 / ms).unwrap_or(u64::MAX)
    }

    pub fn selected(&self) -> Option<&SearchHit> {
        self.hits.get(self.cursor.selected)
    }

    /// The marked hits, else the selected one.
    pub fn chosen(&self) -> Vec<&SearchHit> {
        if self.marks.is_empty() {
            self.selected().into_iter().collect()
        } else {
            self.marks
                .iter()
                .filter_map(|&i| self.hits.get(i))
                .collect()
        }
    }

    /// `name` below the folder searched.
    pub fn relative<'a>(&self, name: &'a str) -> &'a str {
        name.strip_prefix(self.prefix.as_str()).unwrap_or(name)
    }

    fn check_input(&mut self) {
        let text = self.input.value();
        self.input_error = if text.is_empty() {
            None
        } else {
            NamePattern::parse(text).err()
        };
    }
}

impl App {
    /// `F` in the files pane: the search prompt. False for other actions.
    pub(crate) fn on_search_pane_action(&mut self, action: Action, fx: &mut Effects) -> bool {
        if action != Action::SearchBucket {
            return false;
        }
        let Some(bucket) = self.files.bucket.clone() else {
            self.notify(Level::Info, "Open a bucket to search it");
            return true;
        };
        let prefix = self.files.prefix.clone();
        match self.search.as_mut() {
            Some(s) if s.bucket == bucket => s.folder = prefix,
            _ => {
                let text = self
                    .search
                    .as_ref()
                    .map(|s| s.input.value().to_owned())
                    .unwrap_or_default();
                self.cancel_search(fx);
                let hidden = self.restore.show_hidden;
                self.search = Some(Box::new(Search::new(bucket, prefix, &text, hidden)));
            }
        }
        self.modals.push(Modal::Search { editing: true });
        true
    }

    /// True while a scan runs.
    pub fn search_running(&self) -> bool {
        self.search.as_ref().is_some_and(|s| s.running)
    }

    /// A key while the search overlay is on top.
    pub(crate) fn on_search_modal_key(
        &mut self,
        scope: Scope,
        key: KeyEvent,
        action: Option<Action>,
        fx: &mut Effects,
    ) {
        if scope == Scope::SearchPrompt {
            self.on_search_prompt_key(key, action, fx);
        } else if let Some(a) = action {
            self.on_search_list_action(a, fx);
        }
    }

    fn set_search_editing(&mut self, editing: bool) {
        if let Some(Modal::Search { editing: e }) = self.modals.last_mut() {
            *e = editing;
        }
    }

    fn on_search_prompt_key(&mut self, key: KeyEvent, action: Option<Action>, fx: &mut Effects) {
        let Some(s) = self.search.as_mut() else {
            self.modals.pop();
            return;
        };
        match action {
            Some(Action::Submit) => self.start_search(fx),
            Some(Action::NextField) if !s.hits.is_empty() || s.req.is_some() => {
                self.set_search_editing(false);
            }
            Some(Action::Close) => {
                self.cancel_search(fx);
                self.modals.pop();
            }
            Some(Action::ToggleHidden) => s.hidden = !s.hidden,
            _ => {
                if s.input
                    .handle_event(&Event::Key(key))
                    .is_some_and(|c| c.value)
                {
                    s.check_input();
                }
            }
        }
    }

    /// Enter in the prompt: a new scan of the typed pattern, or the error under it.
    fn start_search(&mut self, fx: &mut Effects) {
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let text = s.input.value().to_owned();
        if let Err(e) = NamePattern::parse(&text) {
            if let Some(s) = self.search.as_mut() {
                s.input_error = Some(e);
            }
            return;
        }
        self.cancel_search(fx);
        let req = self.new_req();
        let Some(s) = self.search.as_mut() else {
            return;
        };
        let at = self.restore.as_of;
        let pending = std::mem::take(&mut s.pending);
        let fresh = Search {
            input: s.input.clone(),
            pattern: text.clone(),
            req: Some(req),
            running: true,
            limit: s.limit,
            as_of: at,
            pending,
            ..Search::new(s.bucket.clone(), s.folder.clone(), "", s.hidden)
        };
        **s = fresh;
        fx.push(Command::Search(SearchCommand::Start {
            req,
            bucket: s.bucket.id.clone(),
            prefix: s.prefix.clone(),
            pattern: text,
            limit: s.limit,
            hidden: s.hidden,
            at,
        }));
        self.set_search_editing(false);
    }

    /// Stops the scan that runs, keeping what it found.
    pub(crate) fn cancel_search(&mut self, fx: &mut Effects) {
        if let Some(s) = self.search.as_mut()
            && s.running
            && let Some(req) = s.req
        {
            s.running = false;
            s.end = Some(SearchEnd::Cancelled);
            fx.push(Command::Search(SearchCommand::Cancel { req }));
        }
    }

    fn on_search_list_action(&mut self, action: Action, fx: &mut Effects) {
        let page = self.list_height().saturating_sub(6).max(1);
        let Some(s) = self.search.as_mut() else {
            self.modals.pop();
            return;
        };
        let len = s.hits.len();
        match action {
            Action::MoveUp => _ = s.cursor.apply(Motion::Up, len, page),
            Action::MoveDown => _ = s.cursor.apply(Motion::Down, len, page),
            Action::PageUp => _ = s.cursor.apply(Motion::PageUp, len, page),
            Action::PageDown => _ = s.cursor.apply(Motion::PageDown, len, page),
            Action::GoTop => _ = s.cursor.apply(Motion::Top, len, page),
            Action::GoBottom => _ = s.cursor.apply(Motion::Bottom, len, page),
            Action::ToggleMark if len > 0 => {
                let i = s.cursor.selected;
                if !s.marks.remove(&i) {
                    s.marks.insert(i);
                }
                s.cursor.apply(Motion::Down, len, page);
            }
            Action::SearchBucket => self.set_search_editing(true),
            Action::CancelJob => {
                if !s.running {
                    self.notify(Level::Info, "The search is not running");
                }
                self.cancel_search(fx);
            }
            Action::Close | Action::Quit => {
                if s.running {
                    self.cancel_search(fx);
                } else {
                    self.modals.pop();
                }
            }
            Action::ShowHelp => self.modals.push(Modal::Help { scroll: 0 }),
            Action::Open => self.open_search_hit(false, fx),
            Action::FocusVersions => self.open_search_hit(true, fx),
            Action::StartDownload => self.download_search_hits(),
            Action::CopyMenu => self.open_search_copy_menu(),
            Action::HideFiles => self.hide_search_hits(),
            Action::Unhide => self.unhide_search_hits(fx),
            Action::RestoreVersion => self.restore_search_hits(fx),
            Action::ToggleHidden => {
                s.hidden = !s.hidden;
                if s.pattern.is_empty() {
                    self.set_search_editing(true);
                } else {
                    self.start_search(fx);
                }
            }
            _ => {}
        }
    }

    /// A batch from the worker's scan.
    pub(crate) fn on_search_progress(&mut self, p: SearchProgress) {
        let Some(s) = self.search.as_mut() else {
            return;
        };
        if s.req != Some(p.req) {
            return;
        }
        s.scanned = p.scanned;
        s.matched = p.matched;
        s.elapsed = p.elapsed;
        let room = s.limit.saturating_sub(s.hits.len());
        s.hits.extend(p.hits.into_iter().take(room));
        if let Some(end) = p.end {
            s.running = false;
            // A cancel the user asked for stays a cancel, even if the scan just finished.
            if s.end.is_none() {
                s.end = Some(end);
            }
        }
    }

    /// The scan failed: say why in the overlay. True when `req` was the scan's.
    pub(crate) fn on_search_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        let Some(s) = self.search.as_mut() else {
            return false;
        };
        if s.req != Some(req) {
            return false;
        }
        s.running = false;
        s.failed = Some(crate::app::modal::said(error));
        true
    }

    /// Enter (or `v`) on a result: its folder in the files pane, the name selected (and
    /// its versions focused).
    pub(super) fn open_search_hit(&mut self, versions: bool, fx: &mut Effects) {
        let Some(s) = self.search.as_ref() else {
            return;
        };
        let Some(hit) = s.selected() else {
            return;
        };
        let (bucket, name) = (s.bucket.clone(), hit.name.clone());
        self.modals.pop();
        let path = format!("b2://{}/{name}", bucket.name);
        let plain = name.trim() == name && !name.chars().any(char::is_control);
        if !plain || self.go_to(&path, fx).is_err() {
            let folder = crate::app::panes::files::parent_prefix(&name).to_owned();
            self.focus = Focus::Files;
            self.open_folder_of(bucket.clone(), folder, fx);
            self.files.select_when_loaded(name.clone());
        }
        if versions {
            self.focus = Focus::Versions;
            self.versions.show(bucket.id, &name);
        }
    }
}
