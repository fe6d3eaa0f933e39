//! The Usage view (`5`, `z` on a bucket or folder): a background scan of every version
//! under a prefix, summed per folder as pages arrive; drill into folders, stop the scan
//! (partial totals kept and marked), scan again. Results are kept per bucket and prefix
//! with their time. The price per TB-month for the cost estimate is Backblaze's list
//! price unless the config file's `[usage] price_per_tb` sets another; `$` changes it for
//! the rest of the session (kept across profile switches, not written to the file).

pub mod tree;

use std::collections::HashMap;

use tui_input::Input;
use tui_input::backend::crossterm::EventHandler;

use crossterm::event::{Event, KeyEvent};

use super::{Action, App, BucketRef, Effects, Focus, Level, Row, View};
use crate::b2::BucketId;
use crate::config::UsageConfig;
use crate::worker::usage::{Totals, UsageCommand, UsageEvent};
use crate::worker::{Command, Failure, RequestId};
pub use tree::Tree;

/// Backblaze's list price for B2 storage, in US dollars per TB (10^12 bytes) a month.
pub const LIST_PRICE_PER_TB: f64 = 6.0;

/// Where the price of the estimate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceSource {
    /// Backblaze's list price ([`LIST_PRICE_PER_TB`]).
    ListPrice,
    /// The config file's `[usage] price_per_tb`.
    Config,
    /// Typed with `$` in this session.
    Typed,
}

/// Where a scan stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScanStatus {
    Running,
    Complete,
    /// Stopped by the user: the totals are partial.
    Cancelled,
    /// A call failed: the totals are partial.
    Failed(String),
}

/// One scan of a bucket's prefix and what it summed so far.
#[derive(Clone, Debug, PartialEq)]
pub struct Scan {
    pub req: RequestId,
    pub bucket: BucketRef,
    pub prefix: String,
    pub tree: Tree,
    pub status: ScanStatus,
    /// Versions listed so far.
    pub versions: u64,
    /// The key may not list parts: unfinished files are counted without them.
    pub parts_unlisted: bool,
    /// Wall clock (ms) at the start and at the end (0 = not known / not yet).
    pub started_ms: i64,
    pub finished_ms: i64,
}

impl Scan {
    pub fn is_running(&self) -> bool {
        self.status == ScanStatus::Running
    }

    /// True when the totals do not cover the whole prefix.
    pub fn is_partial(&self) -> bool {
        self.status != ScanStatus::Complete
    }
}

/// One row of the usage table: a subfolder, or the files directly in the folder shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageRow {
    /// `name/` for a folder; None for the files here.
    pub folder: Option<String>,
    pub totals: Totals,
}

/// The usage scans kept, the one shown, where in its tree, and the price.
#[derive(Clone, Debug)]
pub struct UsageState {
    /// Every scan of this session, by bucket and prefix.
    pub scans: HashMap<(BucketId, String), Scan>,
    /// The scan on screen.
    pub shown: Option<(BucketId, String)>,
    /// The folder shown, relative to the scan's prefix (`""` or `a/b/`).
    pub path: String,
    pub cursor: usize,
    /// US dollars per TB-month for the estimate.
    pub price_per_tb: f64,
    pub price_source: PriceSource,
    /// The price being typed (`$`).
    pub price_input: Option<Input>,
}

impl Default for UsageState {
    fn default() -> Self {
        UsageState {
            scans: HashMap::new(),
            shown: None,
            path: String::new(),
            cursor: 0,
            price_per_tb: LIST_PRICE_PER_TB,
            price_source: PriceSource::ListPrice,
            price_input: None,
        }
    }
}

impl UsageState {
    /// The scan on screen.
    pub fn scan(&self) -> Option<&Scan> {
        self.scans.get(self.shown.as_ref()?)
    }

    fn scan_by_req(&mut self, req: RequestId) -> Option<&mut Scan> {
        self.scans.values_mut().find(|s| s.req == req)
    }

    /// True while any scan runs.
    pub fn is_scanning(&self) -> bool {
        self.scans.values().any(Scan::is_running)
    }

    /// The rows of the folder shown: subfolders by stored bytes (largest first), then
    /// the files directly in it.
    pub fn rows(&self) -> Vec<UsageRow> {
        let Some(node) = self.scan().and_then(|s| s.tree.node(&self.path)) else {
            return Vec::new();
        };
        let tree = &self.scan().expect("scan shown").tree;
        let mut rows: Vec<UsageRow> = node
            .children
            .iter()
            .map(|(name, &i)| UsageRow {
                folder: Some(name.to_string()),
                totals: tree.node_at(i).total,
            })
            .collect();
        if !node.own.is_empty() {
            rows.push(UsageRow {
                folder: None,
                totals: node.own,
            });
        }
        rows.sort_by(|a, b| {
            b.totals
                .stored_bytes()
                .cmp(&a.totals.stored_bytes())
                .then_with(|| a.folder.cmp(&b.folder))
        });
        rows
    }

    /// The totals of the folder shown.
    pub fn shown_totals(&self) -> Option<Totals> {
        Some(self.scan()?.tree.node(&self.path)?.total)
    }

    /// The price of the config file's `[usage]`, if it sets one.
    pub fn configure(&mut self, config: &UsageConfig) {
        if let Some(price) = config.price_per_tb {
            self.price_per_tb = price;
            self.price_source = PriceSource::Config;
        }
    }

    /// The price of `other` (the previous account's view), unless it is the list price.
    pub fn keep_price_of(&mut self, other: &UsageState) {
        if other.price_source != PriceSource::ListPrice {
            self.price_per_tb = other.price_per_tb;
            self.price_source = other.price_source;
        }
    }

    /// Estimated US dollars a month for `bytes` at the price set.
    pub fn monthly_cost(&self, bytes: u64) -> f64 {
        bytes as f64 / 1e12 * self.price_per_tb
    }
}

impl App {
    /// `5` or `z`: the usage of what is selected (a bucket, a folder, or the folder
    /// shown), scanned unless a scan of it is kept; from another view, the last usage.
    pub(crate) fn show_usage(&mut self, fx: &mut Effects) {
        let target = match (&self.view, self.focus) {
            (View::Browse, Focus::Buckets) => self.buckets.selected().map(|b| {
                let bucket = BucketRef {
                    id: b.bucket_id.clone(),
                    name: b.bucket_name.clone(),
                };
                (bucket, self.session.key.folder_floor().to_owned())
            }),
            (View::Browse, Focus::Files | Focus::Versions) => {
                self.files
                    .bucket
                    .clone()
                    .map(|b| match self.files.selected() {
                        Some(Row::Entry(e)) if e.is_folder() && self.focus == Focus::Files => {
                            (b, e.file_name.to_owned())
                        }
                        _ => (b, self.files.prefix.clone()),
                    })
            }
            _ if self.usage.shown.is_some() => {
                self.enter_usage_view();
                return;
            }
            _ => self
                .files
                .bucket
                .clone()
                .map(|b| (b, self.files.prefix.clone())),
        };
        let Some((bucket, prefix)) = target else {
            self.notify(Level::Info, "Select a bucket or a folder to see its usage");
            return;
        };
        if self.unavailable("list the files for their usage", &["listFiles"]) {
            return;
        }
        let key = (bucket.id.clone(), prefix.clone());
        self.enter_usage_view();
        if self.usage.shown.as_ref() != Some(&key) {
            self.usage.path.clear();
            self.usage.cursor = 0;
        }
        self.usage.shown = Some(key.clone());
        if !self.usage.scans.contains_key(&key) {
            self.start_usage_scan(bucket, prefix, fx);
        }
    }

    /// Shows the Usage view (leaving the settings view as its own key would).
    fn enter_usage_view(&mut self) {
        if self.view.settings().is_some() {
            self.leave_settings();
        }
        self.view = View::Usage;
    }

    fn start_usage_scan(&mut self, bucket: BucketRef, prefix: String, fx: &mut Effects) {
        let req = self.new_req();
        fx.push(Command::Usage(UsageCommand::Scan {
            req,
            bucket: bucket.id.clone(),
            prefix: prefix.clone(),
        }));
        let key = (bucket.id.clone(), prefix.clone());
        let scan = Scan {
            req,
            bucket,
            prefix,
            tree: Tree::default(),
            status: ScanStatus::Running,
            versions: 0,
            parts_unlisted: false,
            started_ms: self.restore.now_ms,
            finished_ms: 0,
        };
        self.usage.scans.insert(key, scan);
    }

    /// A key in the Usage view.
    pub(crate) fn on_usage_key(&mut self, key: KeyEvent, action: Option<Action>, fx: &mut Effects) {
        if let Some(input) = &mut self.usage.price_input {
            match action {
                Some(Action::Submit) => self.set_price(),
                Some(Action::Close) => self.usage.price_input = None,
                _ => {
                    input.handle_event(&Event::Key(key));
                }
            }
            return;
        }
        let Some(action) = action else { return };
        let rows = self.usage.rows().len();
        let page = self.list_height();
        let u = &mut self.usage;
        match action {
            Action::Quit => fx.quit(),
            Action::MoveDown => u.cursor = (u.cursor + 1).min(rows.saturating_sub(1)),
            Action::MoveUp => u.cursor = u.cursor.saturating_sub(1),
            Action::PageDown => u.cursor = (u.cursor + page).min(rows.saturating_sub(1)),
            Action::PageUp => u.cursor = u.cursor.saturating_sub(page),
            Action::GoTop => u.cursor = 0,
            Action::GoBottom => u.cursor = rows.saturating_sub(1),
            Action::CancelScan => {
                self.cancel_usage_scan(fx);
            }
            Action::Open => self.usage_drill(),
            Action::GoUp => self.usage_up(),
            Action::Close if !self.cancel_usage_scan(fx) => self.view = View::Browse,
            Action::Refresh => {
                if let Some(scan) = self.usage.scan() {
                    let (bucket, prefix) = (scan.bucket.clone(), scan.prefix.clone());
                    self.cancel_usage_scan(fx);
                    self.start_usage_scan(bucket, prefix, fx);
                }
            }
            Action::EditPrice => {
                let text = format!("{}", self.usage.price_per_tb);
                self.usage.price_input = Some(Input::new(text));
            }
            Action::ShowHelp => self.modals.push(super::Modal::Help { scroll: 0 }),
            _ => {}
        }
    }

    fn set_price(&mut self) {
        let Some(input) = self.usage.price_input.take() else {
            return;
        };
        let text = input.value().trim().trim_start_matches('$');
        match text.parse::<f64>() {
            Ok(p) if p.is_finite() && p >= 0.0 => {
                self.usage.price_per_tb = p;
                self.usage.price_source = PriceSource::Typed;
            }
            _ => {
                self.notify(
                    Level::Warn,
                    format!("Price {text:?} is not a number of dollars per TB-month (e.g. 6)"),
                );
                self.usage.price_input = Some(input);
            }
        }
    }

    /// Opens the subfolder under the cursor.
    fn usage_drill(&mut self) {
        let rows = self.usage.rows();
        if let Some(UsageRow {
            folder: Some(name), ..
        }) = rows.get(self.usage.cursor)
        {
            self.usage.path.push_str(name);
            self.usage.cursor = 0;
        }
    }

    /// Back to the parent folder within the scan, the cursor on the folder left.
    fn usage_up(&mut self) {
        let path = &self.usage.path;
        if path.is_empty() {
            return;
        }
        let trimmed = &path[..path.len() - 1];
        let cut = trimmed.rfind('/').map_or(0, |i| i + 1);
        let left = path[cut..].to_owned();
        self.usage.path.truncate(cut);
        let rows = self.usage.rows();
        self.usage.cursor = rows
            .iter()
            .position(|r| r.folder.as_deref() == Some(left.as_str()))
            .unwrap_or(0);
    }

    /// Stops the scan shown; true when one was running.
    fn cancel_usage_scan(&mut self, fx: &mut Effects) -> bool {
        let now = self.restore.now_ms;
        let Some(key) = self.usage.shown.clone() else {
            return false;
        };
        let Some(scan) = self.usage.scans.get_mut(&key) else {
            return false;
        };
        if !scan.is_running() {
            return false;
        }
        scan.status = ScanStatus::Cancelled;
        scan.finished_ms = now;
        fx.push(Command::Usage(UsageCommand::Cancel { req: scan.req }));
        true
    }

    pub(crate) fn on_usage_event(&mut self, ev: UsageEvent) {
        let now = self.restore.now_ms;
        match ev {
            UsageEvent::Progress {
                req,
                folders,
                versions,
            } => {
                let Some(scan) = self.usage.scan_by_req(req) else {
                    return;
                };
                if !scan.is_running() {
                    return; // a page that was in flight when the scan was stopped
                }
                scan.versions += versions;
                for (folder, totals) in &folders {
                    scan.tree.add(folder, totals);
                }
            }
            UsageEvent::PartsUnlisted { req } => {
                if let Some(scan) = self.usage.scan_by_req(req) {
                    scan.parts_unlisted = true;
                }
            }
            UsageEvent::Finished { req, cancelled } => {
                let Some(scan) = self.usage.scan_by_req(req) else {
                    return;
                };
                if scan.is_running() {
                    scan.status = if cancelled {
                        ScanStatus::Cancelled
                    } else {
                        ScanStatus::Complete
                    };
                    scan.finished_ms = now;
                }
            }
        }
    }

    /// A scan's call failed: its totals stay, marked partial. True when it was a scan's.
    pub(crate) fn on_usage_failed(&mut self, req: RequestId, error: &Failure) -> bool {
        let now = self.restore.now_ms;
        let Some(scan) = self.usage.scan_by_req(req) else {
            return false;
        };
        scan.status = ScanStatus::Failed(error.to_string());
        scan.finished_ms = now;
        self.notify(
            Level::Warn,
            format!("Usage scan stopped ({error}); totals are partial, R scans again"),
        );
        true
    }
}
