//! b2tui entry point: parses the command line, then runs the TUI, the demo, or the local B2.
//! Errors end here as one clear line on stderr and a non-zero exit, never a stack trace.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, CommandFactory, Parser, Subcommand};

use b2tui::b2::{B2Client, Credentials};
use b2tui::cli::Location;
use b2tui::cli::cp::CpOptions;
use b2tui::cli::ls::LsOptions;
use b2tui::cli::signal::Interrupted;
use b2tui::config::accounts::{self, Setup};
use b2tui::emulator;
use b2tui::worker::transfer::ConflictPolicy;

/// A terminal UI for Backblaze B2 cloud storage, with its own local B2 server.
#[derive(Parser, Debug)]
#[command(name = "b2tui", version, about)]
struct Cli {
    /// B2 API base URL [default: the profile's, else the b2 CLI login's, else
    /// https://api.backblazeb2.com].
    #[arg(long, global = true, env = "B2TUI_ENDPOINT")]
    endpoint: Option<String>,
    /// Use this profile of the config file (~/.config/b2tui/config.toml).
    #[arg(long, global = true, env = "B2TUI_PROFILE")]
    profile: Option<String>,
    /// Open the TUI on a local B2 seeded with demo data (no account needed).
    #[arg(long)]
    demo: bool,
    /// With --demo: keep the demo's data in this folder (kept across runs).
    #[arg(long, requires = "demo")]
    data: Option<PathBuf>,
    /// Fixed clock and no animations (for scripted terminal tests).
    #[arg(long, hide = true)]
    deterministic: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the local B2 server (B2 Native API over HTTP).
    Serve(ServeArgs),
    /// List the buckets (b2://) or the files under b2://BUCKET[/PREFIX].
    Ls(LsArgs),
    /// Copy files between the local disk and b2://BUCKET/PATH, either way.
    Cp(CpArgs),
    /// Print a shell completion script (e.g. `b2tui completions bash > ~/.local/share/bash-completion/completions/b2tui`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `b2tui man > ~/.local/share/man/man1/b2tui.1`.
    Man,
}

#[derive(Args, Debug)]
struct LsArgs {
    /// Every name below the prefix, not only one folder level.
    #[arg(short, long)]
    recursive: bool,
    /// Every version and hide marker, with time, size, action and file id.
    #[arg(long)]
    versions: bool,
    /// One JSON array of B2 file version objects (of bucket objects for b2://).
    #[arg(long)]
    json: bool,
    /// b2://BUCKET[/PREFIX], or b2:// for the buckets.
    location: String,
}

#[derive(Args, Debug)]
#[command(after_long_help = b2tui::cli::cp::OUTPUT_HELP)]
struct CpArgs {
    /// Copy a folder tree (local folder → B2 prefix, or B2 prefix → local folder).
    #[arg(short, long)]
    recursive: bool,
    /// Files at once, and parts or ranges at once (default: the config file's
    /// `[transfers] files` and `parts`, else 8 and 8).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
    /// Leave files alone that the destination already holds with the same size and SHA-1
    /// (uploads and downloads); a re-run of an interrupted copy moves only what is missing.
    #[arg(long)]
    skip_existing: bool,
    /// When a downloaded file already exists locally.
    #[arg(long, value_enum, default_value_t = OnConflict::Overwrite)]
    on_conflict: OnConflict,
    /// Part size in bytes for large files and parallel downloads (default: B2's recommended).
    #[arg(long)]
    part_size: Option<u64>,
    /// Uploads larger than this many bytes go up as large files, in parallel parts.
    #[arg(long, default_value_t = 200_000_000)]
    large_file_cutoff: u64,
    /// Print only errors (failed files); no progress bar, retries or summary.
    #[arg(short, long)]
    quiet: bool,
    /// Print one JSON object per finished file on stdout, then a summary object (fields in --help).
    #[arg(long)]
    json: bool,
    /// Local path or b2://BUCKET/PATH.
    source: String,
    /// Local path or b2://BUCKET/PATH.
    destination: String,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
enum OnConflict {
    Skip,
    Overwrite,
    KeepBoth,
}

#[derive(Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8787")]
    listen: String,
    /// Keep data in this folder (kept across restarts); in memory when absent. Without
    /// --key-id/--key or the environment's key, the master key is kept there too: made and
    /// printed on the first start, the same on every restart.
    #[arg(long)]
    data: Option<PathBuf>,
    /// Master application key id (else B2_APPLICATION_KEY_ID, else the one kept in --data,
    /// else generated).
    #[arg(long, requires = "key")]
    key_id: Option<String>,
    /// Master application key (else B2_APPLICATION_KEY, else the one kept in --data, else
    /// generated).
    #[arg(long, requires = "key_id")]
    key: Option<String>,
    /// Seconds an authorization token lives.
    #[arg(long, default_value_t = 86_400)]
    token_lifetime: u64,
    /// `recommendedPartSize` reported and used, in bytes.
    #[arg(long, default_value_t = 100_000_000)]
    recommended_part_size: u64,
    /// `absoluteMinimumPartSize` reported and enforced, in bytes.
    #[arg(long, default_value_t = 5_000_000)]
    min_part_size: u64,
    /// Fraction (0..1) of API calls answered 429 with Retry-After.
    #[arg(long, default_value_t = 0.0)]
    fail_rate_429: f64,
    /// Retry-After seconds sent with injected 429s.
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Fraction (0..1) of API calls answered 503.
    #[arg(long, default_value_t = 0.0)]
    fail_rate_503: f64,
    /// Seed the demo data set into an empty store.
    #[arg(long)]
    seed_demo: bool,
    /// Create BUCKET (private) if missing and insert COUNT one-byte files named
    /// PREFIX + `n` + the index in 7 digits + `.dat` (big/n0000000.dat ...) before
    /// listening; repeatable. Skipped when the first name is already there.
    #[arg(long, value_name = "BUCKET:PREFIX:COUNT")]
    seed_bulk: Vec<emulator::seed::bulk::BulkSpec>,
    /// Seconds a request body may send nothing before it is answered 408 request_timeout.
    #[arg(long, value_name = "SECS", default_value_t = 60)]
    body_timeout: u64,
    /// Seconds a connection may wait for its next request (or for a whole request head)
    /// before it is closed.
    #[arg(long, value_name = "SECS", default_value_t = 120)]
    idle_timeout: u64,
    /// Largest request head (request line and headers) in bytes; at least 8192.
    #[arg(long, value_name = "BYTES", default_value_t = 65_536)]
    max_header_bytes: usize,
    /// Most connections served at once; further ones wait to be accepted.
    #[arg(long, value_name = "N", default_value_t = 1024)]
    max_connections: usize,
    /// Host name of the S3-compatible API (e.g. s3.localhost): a request to
    /// BUCKET.HOST[:port] addresses BUCKET (virtual-hosted style), and s3ApiUrl is
    /// http://HOST:PORT. Path style keeps working.
    #[arg(long, value_name = "HOST")]
    s3_host: Option<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("b2tui: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli));
    // Tasks still running (transfers of a TUI that quit or was stopped) are dropped here,
    // which removes their temporary files; blocking file work gets a bounded wait.
    runtime.shutdown_timeout(Duration::from_secs(5));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away (`b2tui ls | head`): it has what it wanted.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("b2tui: {e:#}");
            match e.downcast_ref::<Interrupted>() {
                Some(i) => ExitCode::from(i.signal.exit_code()),
                None => ExitCode::FAILURE,
            }
        }
    }
}

/// Whether the error is a write to a closed pipe.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

async fn run(cli: Cli) -> Result<()> {
    // An empty B2TUI_PROFILE or B2TUI_ENDPOINT counts as unset.
    let request = accounts::Request {
        profile: cli.profile.clone().filter(|p| !p.is_empty()),
        endpoint: cli.endpoint.clone().filter(|e| !e.is_empty()),
    };
    match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Ls(args)) => ls(&request, args).await,
        Some(Command::Cp(args)) => cp(&request, args).await,
        Some(Command::Completions { shell }) => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "b2tui", &mut script);
            print_bytes(&script)
        }
        Some(Command::Man) => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            print_bytes(&page)
        }
        None if cli.demo => demo(cli.data, cli.deterministic).await,
        None => browse(&request, cli.deterministic).await,
    }
}

fn print_bytes(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

async fn browse(request: &accounts::Request, deterministic: bool) -> Result<()> {
    let (client, setup) = connect(request).await?;
    let opts = b2tui::tui::RunOptions {
        endpoint_label: setup.resolved.endpoint.clone(),
        deterministic,
        source_label: setup.resolved.source.label(),
        start_path: setup.resolved.start_path,
        utc: setup.utc,
        usage: setup.usage,
        preview: setup.preview,
        transfers: setup.transfers,
        profiles: setup.profiles,
        profile: match &setup.resolved.source {
            accounts::Source::Profile { name, .. } => Some(name.clone()),
            _ => None,
        },
        warnings: setup.warnings,
    };
    b2tui::tui::run(client, opts).await
}

/// Credentials from the first source that has them (environment, profile, b2 CLI login),
/// and a client authorized with them.
async fn connect(request: &accounts::Request) -> Result<(B2Client, Setup)> {
    let setup = accounts::resolve(request)?;
    let resolved = &setup.resolved;
    let client = B2Client::authorize(&resolved.endpoint, resolved.creds.clone())
        .await
        .map_err(|e| resolved.source.refused(e))?;
    Ok((client, setup))
}

/// [`connect`] for the headless commands: warnings go to stderr.
async fn connect_headless(request: &accounts::Request) -> Result<B2Client> {
    let (client, setup) = connect(request).await?;
    for w in &setup.warnings {
        eprintln!("b2tui: warning: {w}");
    }
    Ok(client)
}

async fn ls(request: &accounts::Request, args: LsArgs) -> Result<()> {
    let opts = LsOptions {
        recursive: args.recursive,
        versions: args.versions,
        json: args.json,
        // As GNU ls: escaped for a terminal, the raw bytes for a pipe.
        escape: std::io::stdout().is_terminal(),
    };
    if args.location == "b2://" {
        if args.recursive || args.versions {
            bail!("-r and --versions list files; b2:// lists buckets (give b2://BUCKET)");
        }
        let client = connect_headless(request).await?;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        return b2tui::cli::ls::buckets(&client, opts, &mut out).await;
    }
    let Location::Remote { bucket, path } =
        Location::parse(&args.location).map_err(anyhow::Error::msg)?
    else {
        bail!(
            "ls takes b2://BUCKET[/PREFIX] (or b2:// for the buckets), got {:?}",
            args.location
        );
    };
    let client = connect_headless(request).await?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    b2tui::cli::ls::run(&client, &bucket, &path, opts, &mut out).await
}

/// Per-file failures and the summary were printed as they happened; a failure count or
/// the signal that stopped the copy ends the output and sets the exit status.
async fn cp(request: &accounts::Request, args: CpArgs) -> Result<()> {
    let src = Location::parse(&args.source).map_err(anyhow::Error::msg)?;
    let dst = Location::parse(&args.destination).map_err(anyhow::Error::msg)?;
    let (client, setup) = connect(request).await?;
    for w in &setup.warnings {
        eprintln!("b2tui: warning: {w}");
    }
    let opts = CpOptions {
        recursive: args.recursive,
        threads: args.threads.map_or(setup.transfers.files, usize::from),
        parts: args.threads.is_none().then_some(setup.transfers.parts),
        skip_existing: args.skip_existing,
        conflict: match args.on_conflict {
            OnConflict::Skip => ConflictPolicy::Skip,
            OnConflict::Overwrite => ConflictPolicy::Overwrite,
            OnConflict::KeepBoth => ConflictPolicy::KeepBoth,
        },
        part_size: args.part_size,
        large_file_cutoff: args.large_file_cutoff,
        quiet: args.quiet,
        json: args.json,
    };
    let tty = std::io::stderr().is_terminal();
    let summary = b2tui::cli::cp::run(&client, src, dst, &opts, tty).await?;
    if let Some(signal) = summary.interrupted {
        return Err(Interrupted { signal }.into());
    }
    if !summary.is_success() {
        bail!(
            "{} of {} files failed",
            summary.failed,
            summary.failed + summary.done + summary.skipped + summary.cancelled
        );
    }
    Ok(())
}

async fn demo(data: Option<PathBuf>, deterministic: bool) -> Result<()> {
    // A throwaway store shows its first screen at once and fills its big folder meanwhile;
    // a kept one (--data) and a deterministic run are seeded whole first.
    let at_once = data.is_some() || deterministic;
    let config = emulator::Config {
        data_dir: data,
        ..emulator::Config::default()
    };
    let server = if at_once {
        emulator::spawn_seeded(config, "127.0.0.1:0").await
    } else {
        emulator::spawn_demo(config, "127.0.0.1:0").await
    }
    .context("starting the local B2 for the demo")?;
    let creds = Credentials::new(&server.master_key_id, &server.master_key);
    let client = B2Client::authorize(&server.url, creds)
        .await
        .map_err(|e| anyhow::anyhow!("could not authorize with the demo's local B2: {e}"))?;
    let opts = b2tui::tui::RunOptions {
        endpoint_label: format!("{} (demo)", server.url),
        source_label: "demo".to_owned(),
        deterministic,
        ..Default::default()
    };
    let result = b2tui::tui::run(client, opts).await;
    server.shutdown().await;
    result
}

/// Names where the refused key came from and what to check there.
/// Where `serve`'s master key came from.
enum MasterKey {
    /// --key-id/--key or the environment.
    Chosen,
    /// Kept in the --data folder.
    Kept(emulator::master_key::StoredKey),
    /// Made for this run only.
    Generated,
}

async fn serve(args: ServeArgs) -> Result<()> {
    for (name, secs) in [
        ("--body-timeout", args.body_timeout),
        ("--idle-timeout", args.idle_timeout),
    ] {
        if secs == 0 {
            bail!("{name} must be at least 1 second");
        }
    }
    if args.max_header_bytes < 8192 || args.max_connections == 0 {
        bail!("--max-header-bytes must be at least 8192 and --max-connections at least 1");
    }
    for (name, rate) in [
        ("--fail-rate-429", args.fail_rate_429),
        ("--fail-rate-503", args.fail_rate_503),
    ] {
        if !(0.0..=1.0).contains(&rate) {
            bail!("{name} must be between 0 and 1, got {rate}");
        }
    }
    let mut config = emulator::Config {
        data_dir: args.data.clone(),
        token_lifetime: Duration::from_secs(args.token_lifetime),
        recommended_part_size: args.recommended_part_size,
        absolute_minimum_part_size: args.min_part_size,
        faults: emulator::Faults {
            rate_429: args.fail_rate_429,
            retry_after_secs: args.retry_after,
            rate_503: args.fail_rate_503,
        },
        http: emulator::HttpLimits {
            body_timeout: Duration::from_secs(args.body_timeout),
            idle_timeout: Duration::from_secs(args.idle_timeout),
            max_header_bytes: args.max_header_bytes,
            max_connections: args.max_connections,
        },
        s3_host: args.s3_host.clone(),
        ..emulator::Config::default()
    };
    // The master key: the flags, else the environment (neither is ever printed or
    // stored), else the one kept in --data (made and printed on the first start there),
    // else a fresh one for this run, printed.
    let flags = args.key_id.zip(args.key);
    let env = Credentials::from_env();
    let source = if let Some((id, key)) = flags {
        (config.master_key_id, config.master_key) = (id, key);
        MasterKey::Chosen
    } else if let Some(creds) = env {
        config.master_key_id = creds.key_id.clone();
        config.master_key = creds.secret().to_owned();
        MasterKey::Chosen
    } else if let Some(dir) = &args.data {
        let kept = emulator::master_key::load_or_create(dir)
            .context("keeping the master key in the data folder")?;
        config.master_key_id = kept.key_id.clone();
        config.master_key = kept.key.clone();
        MasterKey::Kept(kept)
    } else {
        MasterKey::Generated
    };
    let key_id = config.master_key_id.clone();
    let key = config.master_key.clone();
    let emu = emulator::Emulator::open(config).context("opening the local B2's store")?;
    if args.seed_demo {
        emulator::seed::demo(emu.store()).context("seeding demo data")?;
    }
    for spec in &args.seed_bulk {
        seed_bulk(&emu, spec)?;
    }
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    match &source {
        // Chosen keys are never printed.
        MasterKey::Chosen => {}
        // Generated keys are printed so that the user can connect: a kept one only on the
        // start that made it, then its id and where it is kept.
        MasterKey::Generated => {
            println!("master key id: {key_id}");
            println!("master key:    {key}");
        }
        MasterKey::Kept(kept) if kept.created => {
            println!("master key id: {key_id}");
            println!("master key:    {key}");
            println!(
                "master key kept in {} (printed only this once)",
                kept.path.display()
            );
        }
        MasterKey::Kept(kept) => {
            println!("master key id: {key_id}");
            println!("master key kept in {}", kept.path.display());
            if kept.readable_by_others {
                eprintln!(
                    "b2tui serve: warning: {} can be read by other users; chmod 600 it",
                    kept.path.display()
                );
            }
        }
    }
    use std::io::Write as _;
    std::io::stdout().flush()?;
    emu.serve(listener, shutdown_signal()).await?;
    eprintln!("b2tui serve: stopped");
    Ok(())
}

/// One `--seed-bulk` spec, reported on stderr (stdout's first line stays `listening on`).
fn seed_bulk(emu: &emulator::Emulator, spec: &emulator::seed::bulk::BulkSpec) -> Result<()> {
    use emulator::seed::bulk::Seeded;
    let started = std::time::Instant::now();
    let seeded = emulator::seed::bulk::seed(emu.store(), spec)
        .with_context(|| format!("seeding --seed-bulk {spec}"))?;
    match seeded {
        Seeded::Inserted { bucket_created } => eprintln!(
            "b2tui serve: seeded {} files {}n0000000.dat.. into {} bucket {} in {:.1} s",
            spec.count,
            spec.prefix,
            if bucket_created { "new" } else { "existing" },
            spec.bucket,
            started.elapsed().as_secs_f64()
        ),
        Seeded::AlreadyThere => eprintln!(
            "b2tui serve: --seed-bulk {spec}: {} is already in the store; nothing inserted",
            spec.name(0)
        ),
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
