//! `b2tui ls`: the buckets (`b2://`), or names under a prefix (a folder level, or all of
//! them with `-r`), optionally every version, as text or JSON, page by page through
//! `b2::paginate`. Names are escaped for a terminal and raw for a pipe, as GNU `ls` does.

use std::io::Write;

use anyhow::Result;
use futures::{Stream, TryStreamExt};

use crate::b2::{B2Client, FileAction, FileVersion, ListFileNamesRequest, paginate};
use crate::worker::listing::PAGE_SIZE;
use crate::worker::transfer::{find_bucket, paths::as_folder_prefix};

/// What `ls` shows.
#[derive(Clone, Copy, Debug, Default)]
pub struct LsOptions {
    /// Every name below the prefix, not one folder level.
    pub recursive: bool,
    /// Every version (and hide marker), not the newest.
    pub versions: bool,
    /// One JSON array of file version objects.
    pub json: bool,
    /// Print control characters in names as visible escapes (for a terminal); raw
    /// otherwise, so that a pipe gets the names as they are.
    pub escape: bool,
}

impl LsOptions {
    fn name<'a>(&self, name: &'a str) -> std::borrow::Cow<'a, str> {
        if self.escape {
            super::escape::escape(name)
        } else {
            std::borrow::Cow::Borrowed(name)
        }
    }
}

/// Lists the buckets the key can see to `out`: one name a line, or (`json`) one JSON array
/// of B2 bucket objects.
pub async fn buckets(client: &B2Client, opts: LsOptions, out: &mut impl Write) -> Result<()> {
    let mut buckets = client.list_buckets().await?;
    buckets.sort_by(|a, b| a.bucket_name.cmp(&b.bucket_name));
    if opts.json {
        // Into a string first, so that a closed pipe stays an I/O error.
        let text = serde_json::to_string_pretty(&buckets)?;
        writeln!(out, "{text}")?;
    } else {
        for b in &buckets {
            writeln!(out, "{}", opts.name(&b.bucket_name))?;
        }
    }
    out.flush()?;
    Ok(())
}

/// Lists `b2://bucket/prefix` to `out`. A prefix without a trailing `/` is a folder; when
/// nothing is under it, the file of that exact name is shown instead.
pub async fn run(
    client: &B2Client,
    bucket: &str,
    prefix: &str,
    opts: LsOptions,
    out: &mut impl Write,
) -> Result<()> {
    let bucket = find_bucket(client, bucket).await?;
    let folder = as_folder_prefix(prefix);
    let mut printer = Printer::new(opts, out)?;
    print_all(client, &bucket.id, &folder, opts, &mut printer, |_| true).await?;
    if printer.count == 0 && folder != prefix {
        let exact = prefix.to_owned();
        print_all(client, &bucket.id, prefix, opts, &mut printer, |f| {
            f.file_name == exact
        })
        .await?;
    }
    printer.finish()
}

async fn print_all(
    client: &B2Client,
    bucket: &crate::b2::BucketId,
    prefix: &str,
    opts: LsOptions,
    printer: &mut Printer<'_, impl Write>,
    keep: impl Fn(&FileVersion) -> bool,
) -> Result<()> {
    let req = ListFileNamesRequest {
        bucket_id: bucket.clone(),
        max_file_count: Some(PAGE_SIZE),
        prefix: Some(prefix.to_owned()),
        delimiter: (!opts.recursive).then(|| "/".to_owned()),
        ..Default::default()
    };
    if opts.versions {
        let pages = paginate::file_versions(client.clone(), req.into_versions());
        drain(pages, printer, keep).await
    } else {
        drain(paginate::file_names(client.clone(), req), printer, keep).await
    }
}

async fn drain<S, C>(
    pages: S,
    printer: &mut Printer<'_, impl Write>,
    keep: impl Fn(&FileVersion) -> bool,
) -> Result<()>
where
    S: Stream<Item = Result<paginate::Page<FileVersion, C>, crate::b2::B2Error>>,
{
    let mut pages = std::pin::pin!(pages);
    while let Some(page) = pages.try_next().await? {
        for f in page.items.iter().filter(|f| keep(f)) {
            printer.print(f)?;
        }
    }
    Ok(())
}

struct Printer<'a, W: Write> {
    opts: LsOptions,
    out: &'a mut W,
    count: usize,
}

impl<'a, W: Write> Printer<'a, W> {
    fn new(opts: LsOptions, out: &'a mut W) -> Result<Self> {
        if opts.json {
            write!(out, "[")?;
        }
        Ok(Self {
            opts,
            out,
            count: 0,
        })
    }

    fn print(&mut self, f: &FileVersion) -> Result<()> {
        if self.opts.json {
            let sep = if self.count == 0 { "\n" } else { ",\n" };
            write!(self.out, "{sep}{}", serde_json::to_string(f)?)?;
        } else if self.opts.versions && !f.is_folder() {
            let when = chrono::DateTime::from_timestamp_millis(f.upload_timestamp)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let action = match f.action {
                FileAction::Upload | FileAction::Copy => "upload",
                FileAction::Hide => "hide",
                FileAction::Start => "start",
                FileAction::Folder => "folder",
                FileAction::Unknown => "?",
            };
            let id = f.file_id.as_ref().map(|i| i.as_str()).unwrap_or("-");
            writeln!(
                self.out,
                "{when}  {:>12}  {action:<6}  {}  {id}",
                f.content_length,
                self.opts.name(&f.file_name)
            )?;
        } else {
            writeln!(self.out, "{}", self.opts.name(&f.file_name))?;
        }
        self.count += 1;
        Ok(())
    }

    fn finish(self) -> Result<()> {
        if self.opts.json {
            let end = if self.count == 0 { "]" } else { "\n]" };
            writeln!(self.out, "{end}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}
