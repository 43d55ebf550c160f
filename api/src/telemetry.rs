//! Structured logs with `tracing`. Every request runs in a span carrying its request id
//! (from `tracing-actix-web`), so each log line can be traced to its request.

use tracing_subscriber::{EnvFilter, fmt, layer::SubscriberExt, util::SubscriberInitExt};

/// Installs the global subscriber: `RUST_LOG` filters (default `info`),
/// `MUSUBI_LOG_FORMAT=json` switches to one JSON object per line. Logs go to stderr, so
/// what a command prints for the operator on stdout (`musubi demo`, `musubi admin …`)
/// can be read or piped without log lines in between.
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json =
        std::env::var("MUSUBI_LOG_FORMAT").is_ok_and(|format| format.eq_ignore_ascii_case("json"));
    let registry = tracing_subscriber::registry().with(filter);
    // A second init (tests) is harmless: the first subscriber stays.
    let _ = if json {
        registry
            .with(
                fmt::layer()
                    .with_writer(std::io::stderr)
                    .json()
                    .with_current_span(true)
                    .with_span_list(false),
            )
            .try_init()
    } else {
        registry
            .with(fmt::layer().with_writer(std::io::stderr).with_target(false))
            .try_init()
    };
}
