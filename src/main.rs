//! b2tui entry point: parses the command line, then runs the TUI, the demo, or the local B2.
//! Errors end here as one clear line on stderr and a non-zero exit, never a stack trace.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use b2tui::b2::{B2Client, B2Error, Credentials, DEFAULT_ENDPOINT};
use b2tui::cli::Location;
use b2tui::cli::cp::CpOptions;
use b2tui::cli::ls::LsOptions;
use b2tui::emulator;
use b2tui::worker::transfer::ConflictPolicy;

/// A terminal UI for Backblaze B2 cloud storage, with its own local B2 server.
#[derive(Parser, Debug)]
#[command(name = "b2tui", version, about)]
struct Cli {
    /// B2 API base URL.
    #[arg(long, global = true, default_value = DEFAULT_ENDPOINT, env = "B2TUI_ENDPOINT")]
    endpoint: String,
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
    /// List files under b2://BUCKET[/PREFIX] (credentials from B2_APPLICATION_KEY_ID/_KEY).
    Ls(LsArgs),
    /// Copy files between the local disk and b2://BUCKET/PATH, either way.
    Cp(CpArgs),
}

#[derive(Args, Debug)]
struct LsArgs {
    /// Every name below the prefix, not only one folder level.
    #[arg(short, long)]
    recursive: bool,
    /// Every version and hide marker, with time, size, action and file id.
    #[arg(long)]
    versions: bool,
    /// One JSON array of B2 file version objects.
    #[arg(long)]
    json: bool,
    /// b2://BUCKET[/PREFIX]
    location: String,
}

#[derive(Args, Debug)]
struct CpArgs {
    /// Copy a folder tree (local folder → B2 prefix, or B2 prefix → local folder).
    #[arg(short, long)]
    recursive: bool,
    /// Files at once, and parts or ranges at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: u16,
    /// When a downloaded file already exists locally.
    #[arg(long, value_enum, default_value_t = OnConflict::Overwrite)]
    on_conflict: OnConflict,
    /// Part size in bytes for large files and parallel downloads (default: B2's recommended).
    #[arg(long)]
    part_size: Option<u64>,
    /// Uploads larger than this many bytes go up as large files, in parallel parts.
    #[arg(long, default_value_t = 200_000_000)]
    large_file_cutoff: u64,
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
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("b2tui: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Some(Command::Serve(args)) => serve(args).await,
        Some(Command::Ls(args)) => ls(&cli.endpoint, args).await,
        Some(Command::Cp(args)) => cp(&cli.endpoint, args).await,
        None if cli.demo => demo(cli.data, cli.deterministic).await,
        None => browse(&cli.endpoint, cli.deterministic).await,
    }
}

async fn browse(endpoint: &str, deterministic: bool) -> Result<()> {
    let hint = " (or try `b2tui --demo` to explore a local B2 without an account)";
    let client = authorized_client(endpoint, hint).await?;
    b2tui::tui::run(client, run_options(endpoint, deterministic)).await
}

/// A client authorized with the key from the environment (the `b2` CLI's variable names);
/// `hint` ends the message when they are missing.
async fn authorized_client(endpoint: &str, hint: &str) -> Result<B2Client> {
    let Some(creds) = Credentials::from_env() else {
        bail!("no credentials: set B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY{hint}");
    };
    B2Client::authorize(endpoint, creds)
        .await
        .map_err(explain_auth_error)
}

async fn ls(endpoint: &str, args: LsArgs) -> Result<()> {
    let Location::Remote { bucket, path } =
        Location::parse(&args.location).map_err(anyhow::Error::msg)?
    else {
        bail!("ls takes b2://BUCKET[/PREFIX], got {:?}", args.location);
    };
    let client = authorized_client(endpoint, "").await?;
    let opts = LsOptions {
        recursive: args.recursive,
        versions: args.versions,
        json: args.json,
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    b2tui::cli::ls::run(&client, &bucket, &path, opts, &mut out).await
}

/// Per-file failures were printed as they happened; the count ends the output.
async fn cp(endpoint: &str, args: CpArgs) -> Result<()> {
    let src = Location::parse(&args.source).map_err(anyhow::Error::msg)?;
    let dst = Location::parse(&args.destination).map_err(anyhow::Error::msg)?;
    let client = authorized_client(endpoint, "").await?;
    let opts = CpOptions {
        recursive: args.recursive,
        threads: usize::from(args.threads),
        conflict: match args.on_conflict {
            OnConflict::Skip => ConflictPolicy::Skip,
            OnConflict::Overwrite => ConflictPolicy::Overwrite,
            OnConflict::KeepBoth => ConflictPolicy::KeepBoth,
        },
        part_size: args.part_size,
        large_file_cutoff: args.large_file_cutoff,
    };
    let summary = b2tui::cli::cp::run(&client, src, dst, &opts).await?;
    if !summary.is_success() {
        bail!(
            "{} of {} files failed",
            summary.failed,
            summary.failed + summary.done + summary.skipped
        );
    }
    Ok(())
}

async fn demo(data: Option<PathBuf>, deterministic: bool) -> Result<()> {
    let config = emulator::Config {
        data_dir: data,
        ..emulator::Config::default()
    };
    let server = emulator::spawn_seeded(config, "127.0.0.1:0")
        .await
        .context("starting the local B2 for the demo")?;
    let creds = Credentials::new(&server.master_key_id, &server.master_key);
    let client = B2Client::authorize(&server.url, creds)
        .await
        .map_err(explain_auth_error)?;
    let label = format!("{} (demo)", server.url);
    let result = b2tui::tui::run(client, run_options(&label, deterministic)).await;
    server.shutdown().await;
    result
}

fn run_options(endpoint: &str, deterministic: bool) -> b2tui::tui::RunOptions {
    b2tui::tui::RunOptions {
        endpoint_label: endpoint.to_owned(),
        deterministic,
        ..Default::default()
    }
}

fn explain_auth_error(e: B2Error) -> anyhow::Error {
    match e.code() {
        // b2_authorize_account answers a wrong key with 401 bad_auth_token (or unauthorized).
        Some("unauthorized" | "bad_auth_token") => anyhow::anyhow!(
            "B2 refused the application key ({e}); check B2_APPLICATION_KEY_ID and B2_APPLICATION_KEY"
        ),
        _ => anyhow::anyhow!("could not authorize with B2: {e}"),
    }
}

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
