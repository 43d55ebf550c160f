//! A bounded load generator for `bench/load`, on loopback only.
//!
//! `capacity`: closed loop. `--connections` connections each send the next request as
//! soon as the last is answered, asking the `--path`s in turn, for `--seconds`; prints
//! the requests answered per second: the capacity of that mix.
//!
//! `rate`: open loop. Request `i` is due at `start + i / rate` and asks path `i mod n`,
//! whether or not earlier ones were answered: it goes out at once on an idle connection
//! (opened on first use, up to `--connections`, as wrk2 keeps a fixed set), or waits
//! for the first connection to come free. Its latency runs from the time it was
//! *due*, not from when it was sent, so a server that stalls is charged for every
//! request that should have been sent meanwhile (no coordinated omission).
//! Due times are kept with tokio's timer (1 ms): a request can be sent up to 1 ms
//! late, and that is counted in its latency.
//!
//! Every run is bounded: at most 120 s of sending, 10 s per request.

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use http_body_util::{BodyExt, Empty};
use hyper::{
    Request,
    body::Bytes,
    client::conn::http1::{self, SendRequest},
    header,
};
use hyper_util::rt::TokioIo;
use tokio::{net::TcpStream, sync::Semaphore, task::JoinSet};

/// The longest a run may send for.
const MAX_SECONDS: u64 = 120;
/// The longest one request may take; past it, it counts as an error of this latency.
const TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Parser)]
#[command(about = "Closed-loop capacity and open-loop latency of a mix of GET requests")]
struct Cli {
    /// The server, on loopback (e.g. 127.0.0.1:18080).
    #[arg(long)]
    addr: SocketAddr,
    /// A path to ask (repeat for a mix: requests take the paths in turn).
    #[arg(long = "path", required = true)]
    paths: Vec<String>,
    /// Bearer token sent with every request.
    #[arg(long, env = "OPENLOOP_BEARER", hide_env_values = true)]
    bearer: Option<String>,
    /// How long to send for.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[command(subcommand)]
    mode: Mode,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Closed loop: the most requests a second the server answers for this mix.
    Capacity {
        /// Connections, each asking again as soon as it is answered.
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
    /// Open loop: requests sent on a fixed schedule, latency from their due time.
    Rate {
        /// Requests a second, all paths together.
        #[arg(long)]
        rate: f64,
        /// Connections (a request due while all are busy waits for one, and the wait
        /// counts in its latency).
        #[arg(long, default_value_t = 64)]
        connections: usize,
    },
}

/// What one request came to.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    path: usize,
    latency: Duration,
    ok: bool,
}

/// The requests' shared parts.
#[derive(Debug)]
struct Target {
    addr: SocketAddr,
    requests: Vec<Request<Empty<Bytes>>>,
}

impl Target {
    fn new(cli: &Cli) -> anyhow::Result<Self> {
        if !cli.addr.ip().is_loopback() {
            bail!("{} is not a loopback address", cli.addr);
        }
        let host = cli.addr.to_string();
        let requests = cli
            .paths
            .iter()
            .map(|path| {
                let mut request = Request::get(path.as_str()).header(header::HOST, &host);
                if let Some(token) = &cli.bearer {
                    request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
                }
                request
                    .body(Empty::new())
                    .with_context(|| format!("cannot build a request for {path}"))
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            addr: cli.addr,
            requests,
        })
    }

    fn request(&self, path: usize) -> Request<Empty<Bytes>> {
        let template = &self.requests[path];
        let mut request = Request::new(Empty::new());
        *request.uri_mut() = template.uri().clone();
        *request.headers_mut() = template.headers().clone();
        request
    }

    async fn connect(&self) -> anyhow::Result<SendRequest<Empty<Bytes>>> {
        let stream = TcpStream::connect(self.addr)
            .await
            .with_context(|| format!("cannot connect to {}", self.addr))?;
        stream.set_nodelay(true)?;
        let (sender, connection) = http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(sender)
    }

    /// Sends one request on `sender` and reads the whole answer: whether it was a 2xx,
    /// or `None` when the connection failed (or the answer took over [`TIMEOUT`]).
    async fn try_ask(&self, sender: &mut SendRequest<Empty<Bytes>>, path: usize) -> Option<bool> {
        let answer = async {
            sender.ready().await?;
            let response = sender.send_request(self.request(path)).await?;
            let ok = response.status().is_success();
            response.into_body().collect().await?;
            anyhow::Ok(ok)
        };
        tokio::time::timeout(TIMEOUT, answer).await.ok()?.ok()
    }

    /// [`try_ask`](Self::try_ask), a failed connection counting as a failed request.
    async fn ask(&self, sender: &mut SendRequest<Empty<Bytes>>, path: usize) -> bool {
        self.try_ask(sender, path).await == Some(true)
    }
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if cli.seconds == 0 || cli.seconds > MAX_SECONDS {
        bail!("--seconds must be between 1 and {MAX_SECONDS}");
    }
    let target = Arc::new(Target::new(&cli)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let seconds = Duration::from_secs(cli.seconds);
    let names: Vec<&str> = cli.paths.iter().map(|path| name(path)).collect();
    match cli.mode {
        Mode::Capacity { connections } => {
            if connections == 0 {
                bail!("--connections must be at least 1");
            }
            let (outcomes, elapsed) =
                runtime.block_on(closed_loop(target, connections, seconds))?;
            let per_second = |n: usize| n as f64 / elapsed.as_secs_f64();
            let answered = outcomes.iter().filter(|o| o.ok).count();
            let mix = names
                .iter()
                .enumerate()
                .map(|(i, name)| {
                    let n = outcomes.iter().filter(|o| o.ok && o.path == i).count();
                    format!("{name} {:.0}/s", per_second(n))
                })
                .collect::<Vec<_>>()
                .join(", ");
            println!(
                "capacity {:.0} req/s ({mix}; {connections} connections, closed loop, {:.1} s, {} errors)",
                per_second(answered),
                elapsed.as_secs_f64(),
                outcomes.len() - answered,
            );
        }
        Mode::Rate { rate, connections } => {
            if !(rate.is_finite() && rate >= 1.0) || connections == 0 {
                bail!("--rate must be at least 1 and --connections at least 1");
            }
            let run = runtime.block_on(open_loop(target, rate, seconds, connections))?;
            let errors = run.outcomes.iter().filter(|o| !o.ok).count();
            println!(
                "open loop {rate:.0} req/s for {} s: {} requests, {errors} errors, {} connections opened, sent up to {:.1} ms after due",
                seconds.as_secs(),
                run.outcomes.len(),
                run.connections,
                millis(run.worst_lag),
            );
            for (i, name) in names.iter().enumerate() {
                let latencies = run.outcomes.iter().filter(|o| o.path == i);
                println!("{}", summary(name, latencies));
            }
            println!("{}", summary("all", run.outcomes.iter()));
        }
    }
    Ok(())
}

/// A path's short name: its last segment, without the query.
fn name(path: &str) -> &str {
    let path = path.split('?').next().unwrap_or(path);
    path.rsplit('/')
        .find(|part| !part.is_empty())
        .unwrap_or(path)
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

/// `name  p50 … p99 … max …` over these outcomes.
fn summary<'a>(name: &str, outcomes: impl Iterator<Item = &'a Outcome>) -> String {
    let mut latencies: Vec<Duration> = outcomes.map(|o| o.latency).collect();
    if latencies.is_empty() {
        return format!("  {name:<12} no requests");
    }
    latencies.sort_unstable();
    let at = |q: f64| {
        let rank = (q * latencies.len() as f64).ceil() as usize;
        millis(latencies[rank.clamp(1, latencies.len()) - 1])
    };
    format!(
        "  {name:<12} p50 {:8.2} ms  p99 {:8.2} ms  max {:8.2} ms  ({} requests)",
        at(0.50),
        at(0.99),
        at(1.0),
        latencies.len()
    )
}

/// `connections` connections asking in turn as fast as they are answered.
async fn closed_loop(
    target: Arc<Target>,
    connections: usize,
    seconds: Duration,
) -> anyhow::Result<(Vec<Outcome>, Duration)> {
    let start = Instant::now();
    let end = start + seconds;
    let mut tasks = JoinSet::new();
    for connection in 0..connections {
        let target = target.clone();
        tasks.spawn(async move {
            let mut sender = target.connect().await?;
            let mut outcomes = Vec::new();
            let mut path = connection % target.requests.len();
            while Instant::now() < end {
                let sent = Instant::now();
                let ok = target.ask(&mut sender, path).await;
                outcomes.push(Outcome {
                    path,
                    latency: sent.elapsed(),
                    ok,
                });
                if !ok {
                    sender = target.connect().await?;
                }
                path = (path + 1) % target.requests.len();
            }
            anyhow::Ok(outcomes)
        });
    }
    let mut outcomes = Vec::new();
    while let Some(done) = tasks.join_next().await {
        outcomes.extend(done??);
    }
    Ok((outcomes, start.elapsed()))
}

/// An open-loop run's outcomes.
struct OpenRun {
    outcomes: Vec<Outcome>,
    /// Connections opened (a failed one is replaced by a new one).
    connections: usize,
    /// The latest a request was handed to the runtime after its due time.
    worst_lag: Duration,
}

/// Requests at `rate` a second on a fixed schedule for `seconds`.
async fn open_loop(
    target: Arc<Target>,
    rate: f64,
    seconds: Duration,
    connections: usize,
) -> anyhow::Result<OpenRun> {
    let idle: Arc<Mutex<Vec<SendRequest<Empty<Bytes>>>>> = Arc::default();
    let busy = Arc::new(Semaphore::new(connections));
    let opened = Arc::new(AtomicUsize::new(0));
    let total = (rate * seconds.as_secs_f64()).round() as u64;
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = JoinSet::new();
    let mut outcomes = Vec::with_capacity(usize::try_from(total).unwrap_or(0));
    let mut worst_lag = Duration::ZERO;
    for i in 0..total {
        let due = start + Duration::from_secs_f64(i as f64 / rate);
        tokio::time::sleep_until(due.into()).await;
        worst_lag = worst_lag.max(due.elapsed());
        let path = (i % target.requests.len() as u64) as usize;
        let (target, idle, busy, opened) =
            (target.clone(), idle.clone(), busy.clone(), opened.clone());
        tasks.spawn(async move {
            // A connection slot: an idle connection, or the right to open one.
            let Ok(_slot) = busy.acquire().await else {
                return Outcome {
                    path,
                    latency: due.elapsed(),
                    ok: false,
                };
            };
            let pooled = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
            let mut sender = pooled.filter(|sender| !sender.is_closed());
            let mut answered = None;
            if let Some(pooled) = &mut sender {
                answered = target.try_ask(pooled, path).await;
            }
            let mut ok = answered == Some(true);
            // A new connection when there was none, or the pooled one failed (closed by
            // the server, idle past its keep-alive, under the request).
            if answered.is_none() {
                opened.fetch_add(1, Ordering::Relaxed);
                sender = target.connect().await.ok();
                if let Some(fresh) = &mut sender {
                    ok = target.ask(fresh, path).await;
                }
            }
            let latency = due.elapsed();
            if let Some(sender) = sender.filter(|_| ok) {
                idle.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(sender);
            }
            Outcome { path, latency, ok }
        });
        // Collect what is done as we go, so memory stays small on long runs.
        while let Some(done) = tasks.try_join_next() {
            outcomes.push(done?);
        }
    }
    while let Some(done) = tasks.join_next().await {
        outcomes.push(done?);
    }
    Ok(OpenRun {
        outcomes,
        connections: opened.load(Ordering::Relaxed),
        worst_lag,
    })
}
