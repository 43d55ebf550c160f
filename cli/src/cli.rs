//! The `musubi` command line: `serve` (the default), `migrate`, the operator's `admin`
//! commands that create regions and coordinators, and `demo`.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use musubi_api::{
    auth::{AccountRole, password},
    config::{Secret, Settings},
    db,
    domain::text::{EmailAddress, SingleLine},
    repo,
    startup::Application,
};

/// Musubi (結び): regional 複業 matching on the Shiojiri model.
#[derive(Debug, Parser)]
#[command(name = "musubi", version, about)]
pub struct Cli {
    /// What to do; `serve` when omitted.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP service (applies migrations first).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Operator tasks.
    #[command(subcommand)]
    Admin(Admin),
    /// Load a sample (regions 塩尻市・上田市・南砺市, SMEs, needs, ~300 professionals,
    /// introductions), deliver its emails, and print logins and ranked candidates.
    /// Running it again adds nothing and prints the logins again.
    Demo,
}

/// Operator tasks.
#[derive(Debug, Subcommand)]
pub enum Admin {
    /// Create a region (地域), e.g. `musubi admin create-region --name 塩尻市 --prefecture 長野県 --city 塩尻市`.
    CreateRegion {
        /// Display name.
        #[arg(long)]
        name: String,
        /// Prefecture, e.g. 長野県.
        #[arg(long)]
        prefecture: String,
        /// City; defaults to the name.
        #[arg(long)]
        city: Option<String>,
    },
    /// Create a coordinator inside a region. The password comes from
    /// `MUSUBI_ADMIN_PASSWORD`, or is generated and printed once.
    CreateCoordinator {
        /// Email.
        #[arg(long)]
        email: String,
        /// Name.
        #[arg(long)]
        display_name: String,
        /// Region id or name.
        #[arg(long)]
        region: String,
    },
}

/// Parses arguments and runs the command. Output for the operator goes to stdout.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    musubi_api::telemetry::init();
    let settings = Settings::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let application = Application::build(settings).await?;
            tracing::info!(port = application.port(), "musubi is listening");
            application
                .run_until_stopped()
                .await
                .context("the HTTP server failed")
        }
        Command::Migrate => {
            let db = db::connect(&settings).await?;
            db::migrate(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Admin(admin) => run_admin(&settings, admin).await,
        Command::Demo => run_demo(settings).await,
    }
}

/// How long `musubi demo` waits for its emails to be delivered.
const DEMO_MAIL_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

async fn run_demo(settings: Settings) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let db = db::connect(&settings).await?;
    db::migrate(&db).await?;
    let settings = std::sync::Arc::new(settings);
    let summary = musubi_demo::load(&db, settings.clone()).await?;
    let mut matches = summary.introductions.clone();
    matches.push(summary.scout);
    let delivery = musubi_demo::deliver(&db, settings.clone(), DEMO_MAIL_WAIT, &matches).await?;
    for line in musubi_demo::report(&summary, &delivery, &settings.public_url, started.elapsed()) {
        print_line(&line);
    }
    Ok(())
}

async fn run_admin(settings: &Settings, admin: Admin) -> anyhow::Result<()> {
    let db = db::connect(settings).await?;
    db::migrate(&db).await?;
    match admin {
        Admin::CreateRegion {
            name,
            prefecture,
            city,
        } => {
            let prefecture = musubi_matcher::taxonomy::prefecture(&prefecture)
                .with_context(|| format!("unknown prefecture {prefecture:?}; use e.g. 長野県"))?;
            let city = city.unwrap_or_else(|| name.clone());
            // A region's name signs every email: one line, like every name.
            SingleLine::parse(name.trim(), 1, 100)
                .map_err(|message| anyhow::anyhow!("--name {message}"))?;
            SingleLine::parse(city.trim(), 1, 100)
                .map_err(|message| anyhow::anyhow!("--city {message}"))?;
            let region = repo::regions::insert(&db, name.trim(), prefecture.ja, city.trim())
                .await
                .map_err(|error| {
                    if db::is_unique_violation(&error) {
                        anyhow::anyhow!("a region named {name:?} already exists")
                    } else {
                        error.into()
                    }
                })?;
            print_line(&format!(
                "region created: {} {} ({})",
                region.id, region.name, region.prefecture
            ));
        }
        Admin::CreateCoordinator {
            email,
            display_name,
            region,
        } => {
            let email = String::from(
                EmailAddress::parse(&email)
                    .map_err(|message| anyhow::anyhow!("--email {email:?} {message}"))?,
            );
            SingleLine::parse(&display_name, 1, 100)
                .map_err(|message| anyhow::anyhow!("--display-name {message}"))?;
            let region = match uuid::Uuid::parse_str(&region) {
                Ok(id) => repo::regions::by_id(&db, id).await?,
                Err(_) => repo::regions::all(&db)
                    .await?
                    .into_iter()
                    .find(|r| r.name == region),
            }
            .with_context(|| {
                format!("no region {region:?}; create it with `musubi admin create-region`")
            })?;
            let (password, generated) = match std::env::var("MUSUBI_ADMIN_PASSWORD") {
                Ok(password) if password.chars().count() >= 10 => (password, false),
                Ok(_) => bail!("MUSUBI_ADMIN_PASSWORD must be at least 10 characters"),
                Err(_) => (generated_password(), true),
            };
            let password_hash = password::hash(Secret::new(password.clone())).await?;
            let new = repo::users::NewUser {
                email: &email,
                password_hash,
                display_name: &display_name,
                role: AccountRole::Coordinator,
                region_id: Some(region.id),
            };
            let user = repo::users::insert(&db, new).await.map_err(|error| {
                if db::is_unique_violation(&error) {
                    anyhow::anyhow!("an account with {email} already exists")
                } else {
                    error.into()
                }
            })?;
            print_line(&format!(
                "coordinator created: {} {} in {}",
                user.id, user.email, region.name
            ));
            if generated {
                print_line(&format!("password (shown once): {password}"));
            }
        }
    }
    Ok(())
}

fn generated_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect()
}

/// The command line's answer to the operator (not a log line).
fn print_line(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout(), "{line}");
}
