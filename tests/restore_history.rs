//! Point in time and restore plans on generated histories: random uploads, hides and
//! version deletions over simulated time (seeded), checked against a model that replays
//! the events directly instead of reading a sorted listing.

use std::collections::BTreeMap;

use b2tui::app::restore::{RestorePlan, Step};
use b2tui::b2::{FileAction, FileId, FileVersion};
use b2tui::worker::history::{self, NameAt, VersionGrouper};

/// xorshift64*: small, seeded, good enough to shuffle test histories.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

#[derive(Clone, Debug)]
struct Event {
    name: String,
    hide: bool,
    ts: i64,
    seq: u64,
    alive: bool,
    content: u64,
}

/// Random events on a few names; returns them in creation order.
fn generate(seed: u64, steps: usize) -> Vec<Event> {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let names: Vec<String> = (0..8).map(|i| format!("f{i}")).collect();
    let mut events: Vec<Event> = Vec::new();
    let mut ts = 1_000_000;
    for seq in 0..steps as u64 {
        ts += i64::try_from(rng.below(5)).unwrap_or(0) * 1000; // ties happen
        let name = names[rng.below(names.len() as u64) as usize].clone();
        match rng.below(10) {
            0..=5 => events.push(Event {
                name,
                hide: false,
                ts,
                seq,
                alive: true,
                content: rng.below(3),
            }),
            6..=7 => {
                // b2_hide_file only works on a visible name.
                if model_at(&events, &name, i64::MAX).is_some() {
                    events.push(Event {
                        name,
                        hide: true,
                        ts,
                        seq,
                        alive: true,
                        content: 0,
                    });
                }
            }
            _ => {
                let alive: Vec<usize> = (0..events.len()).filter(|&i| events[i].alive).collect();
                if !alive.is_empty() {
                    let pick = alive[rng.below(alive.len() as u64) as usize];
                    events[pick].alive = false;
                }
            }
        }
    }
    events
}

/// The model: among surviving events of `name` at or before `at`, the latest (by time,
/// then by creation); present iff it is an upload.
fn model_at<'a>(events: &'a [Event], name: &str, at: i64) -> Option<&'a Event> {
    events
        .iter()
        .filter(|e| e.alive && e.name == name && e.ts <= at)
        .max_by_key(|e| (e.ts, e.seq))
        .filter(|e| !e.hide)
}

fn to_version(e: &Event) -> FileVersion {
    FileVersion {
        account_id: None,
        action: if e.hide {
            FileAction::Hide
        } else {
            FileAction::Upload
        },
        bucket_id: None,
        content_length: if e.hide { 0 } else { 100 + e.content },
        content_sha1: (!e.hide).then(|| format!("{:040x}", e.content)),
        content_md5: None,
        content_type: None,
        file_id: Some(FileId(format!("id{}", e.seq))),
        file_info: BTreeMap::new(),
        file_name: e.name.clone(),
        upload_timestamp: e.ts,
        replication_status: None,
    }
}

/// The listing B2 would give: surviving versions by name, newest first, cut into pages.
fn listing_pages(events: &[Event], rng: &mut Rng) -> Vec<Vec<FileVersion>> {
    let mut alive: Vec<&Event> = events.iter().filter(|e| e.alive).collect();
    alive.sort_by(|a, b| a.name.cmp(&b.name).then((b.ts, b.seq).cmp(&(a.ts, a.seq))));
    let all: Vec<FileVersion> = alive.into_iter().map(to_version).collect();
    let mut pages = Vec::new();
    let mut rest = &all[..];
    while !rest.is_empty() {
        let n = (1 + rng.below(4) as usize).min(rest.len());
        pages.push(rest[..n].to_vec());
        rest = &rest[n..];
    }
    pages
}

fn groups(pages: Vec<Vec<FileVersion>>) -> Vec<history::NameGroup> {
    let mut g = VersionGrouper::default();
    let mut out: Vec<_> = pages.into_iter().flat_map(|p| g.push(p)).collect();
    out.extend(g.finish());
    out
}

#[test]
fn point_in_time_matches_the_model() {
    for seed in 1..=60 {
        let events = generate(seed, 80);
        let mut rng = Rng(seed + 7);
        let gs = groups(listing_pages(&events, &mut rng));
        let names: Vec<&str> = gs.iter().map(|g| g.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.dedup();
        assert_eq!(names, sorted, "seed {seed}: one group per name");
        let last = events.last().map_or(0, |e| e.ts);
        for probe in 0..30 {
            let at = 1_000_000 + (last - 1_000_000) * probe / 29 + (probe % 3) * 500 - 500;
            for g in &gs {
                let got =
                    history::version_at(&g.versions, Some(at)).and_then(|v| v.file_id.clone());
                let want = model_at(&events, &g.name, at).map(|e| FileId(format!("id{}", e.seq)));
                assert_eq!(got, want, "seed {seed}, {} at {at}", g.name);
            }
        }
        for g in &gs {
            let hidden = history::hidden_file(g).is_some();
            let newest = events
                .iter()
                .filter(|e| e.alive && e.name == g.name)
                .max_by_key(|e| (e.ts, e.seq));
            assert_eq!(
                hidden,
                newest.is_some_and(|e| e.hide),
                "seed {seed}: {}",
                g.name
            );
        }
    }
}

#[test]
fn restore_plan_matches_the_model() {
    for seed in 1..=60 {
        let events = generate(seed, 60);
        let mut rng = Rng(seed + 99);
        let gs = groups(listing_pages(&events, &mut rng));
        let last = events.last().map_or(0, |e| e.ts);
        let at = 1_000_000
            + i64::try_from(rng.below(u64::try_from(last - 999_999).unwrap_or(1))).unwrap_or(0);
        let names: Vec<NameAt> = gs.iter().map(|g| history::name_at(g, at)).collect();
        for hide_missing in [false, true] {
            let plan = RestorePlan::build(&names, at, hide_missing);
            let mut bytes = 0;
            for g in &gs {
                let now = model_at(&events, &g.name, i64::MAX);
                let then = model_at(&events, &g.name, at);
                let want = match (now, then) {
                    (None, None) => None,
                    (Some(n), Some(t)) if n.seq == t.seq || n.content == t.content => {
                        Some("unchanged")
                    }
                    (_, Some(t)) => {
                        bytes += 100 + t.content;
                        Some("copy")
                    }
                    (Some(_), None) if hide_missing => Some("hide"),
                    (Some(_), None) => Some("keep"),
                };
                let got = plan
                    .items
                    .iter()
                    .find(|i| i.name == g.name)
                    .map(|i| match &i.step {
                        Step::Copy { source } => {
                            let t = then.expect("copy needs a version then");
                            assert_eq!(source.file_id, Some(FileId(format!("id{}", t.seq))));
                            "copy"
                        }
                        Step::Hide => "hide",
                        Step::Unchanged => "unchanged",
                        Step::KeepNewer => "keep",
                    });
                assert_eq!(
                    got, want,
                    "seed {seed}, {} at {at}, hide {hide_missing}",
                    g.name
                );
            }
            assert_eq!(plan.bytes_copied(), bytes, "seed {seed}");
            assert_eq!(plan.ops().len(), plan.copies() + plan.hides());
            assert_eq!(
                plan.copies() + plan.hides() + plan.left_alone(),
                plan.items.len()
            );
        }
    }
}

#[test]
fn plan_edge_cases() {
    let v = |id: &str, ts: i64, sha: &str| FileVersion {
        account_id: None,
        action: FileAction::Upload,
        bucket_id: None,
        content_length: 5,
        content_sha1: Some(sha.repeat(40)),
        content_md5: None,
        content_type: None,
        file_id: Some(FileId(id.into())),
        file_info: BTreeMap::new(),
        file_name: "n".into(),
        upload_timestamp: ts,
        replication_status: None,
    };
    let at = |now, then| NameAt {
        name: "n".into(),
        now,
        then,
    };
    let plan = RestorePlan::build(
        &[
            at(Some(v("b", 2, "b")), Some(v("a", 1, "a"))),
            at(None, Some(v("a", 1, "a"))),
            at(Some(v("c", 3, "a")), Some(v("a", 1, "a"))),
            at(None, None),
        ],
        10,
        false,
    );
    let steps: Vec<_> = plan.items.iter().map(|i| i.step.clone()).collect();
    assert!(
        matches!(steps[0], Step::Copy { .. }),
        "different content is copied"
    );
    assert!(
        matches!(steps[1], Step::Copy { .. }),
        "hidden now, present then"
    );
    assert_eq!(steps[2], Step::Unchanged, "same SHA-1 and length");
    assert_eq!(steps.len(), 3, "absent then and now is not in the plan");
    assert!(!plan.is_noop());
    assert!(RestorePlan::build(&[], 0, true).is_noop());
}
