//! Building and running the HTTP server: `Application::build` binds the listener first, so
//! tests can ask for port 0 and read the real port back.

use std::{net::TcpListener, sync::Arc};

use actix_web::{
    App, HttpServer,
    dev::Server,
    middleware::{self, ErrorHandlerResponse, ErrorHandlers},
    web,
};
use anyhow::Context;
use tracing_actix_web::TracingLogger;
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};

use crate::{
    auth::{jwt::JwtKeys, password, throttle::Throttles},
    config::Settings,
    db, email,
    error::ApiError,
    extract,
    metrics::{self, Metrics},
    ranking::{self, Ranking},
    routes,
    state::AppState,
};

/// How often to look for matches waiting three days for an answer.
const NUDGE_CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// A built, bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
    mail_worker: Option<MailWorker>,
    ranking_feed: RankingFeed,
}

/// The task that keeps this process's ranking index in step with other processes'
/// profile writes, and the switch that stops it.
struct RankingFeed {
    shutdown: tokio::sync::watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
}

/// The outbox worker running beside the server, the periodic nudge check that feeds it,
/// the periodic forgetting of expired invitations, the engagements' monthly check-ins,
/// and the switch that stops them.
struct MailWorker {
    shutdown: tokio::sync::watch::Sender<bool>,
    handle: tokio::task::JoinHandle<()>,
    nudges: tokio::task::JoinHandle<()>,
    forgetting: tokio::task::JoinHandle<()>,
    check_ins: tokio::task::JoinHandle<()>,
}

/// Builds the OpenAPI document from the registered routes, as JSON.
pub fn openapi() -> anyhow::Result<serde_json::Value> {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(routes::openapi::ApiDoc::openapi())
        .configure(routes::health::configure)
        .service(scope::scope("/api/v1").configure(routes::configure))
        .split_for_parts();
    let mut document = serde_json::to_value(&api).context("serialising the OpenAPI document")?;
    routes::openapi::make_truthful(&mut document);
    Ok(document)
}

impl Application {
    /// Connects, migrates, binds. Fails fast on any of them.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let db = db::connect(&settings).await?;
        db::migrate(&db).await?;
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {} (MUSUBI_BIND)", settings.bind))?;
        let port = listener
            .local_addr()
            .context("reading the bound address")?
            .port();
        tokio::task::spawn_blocking(password::warm_up);
        // The ranking index is built before the server answers, so the first candidate
        // list already ranks every profile; the feed then follows later writes.
        let (ranking, cursor) = Ranking::load(&db).await?;
        let ranking = Arc::new(ranking);
        let ranking_feed = {
            let (shutdown, stop) = tokio::sync::watch::channel(false);
            let handle = ranking::feed::spawn(db.clone(), ranking.clone(), cursor, stop);
            RankingFeed { shutdown, handle }
        };

        let state = AppState {
            jwt: JwtKeys::new(&settings.jwt_secret, settings.token_ttl),
            db,
            settings: Arc::new(settings),
            ranking,
            callers: Arc::default(),
        };
        // Mail is delivered from the start, including what an earlier run left pending.
        let mail_health = Arc::new(email::worker::Health::default());
        let mail_worker = if state.settings.mail.worker {
            let (shutdown, stop) = tokio::sync::watch::channel(false);
            let nudges = crate::services::nudges::spawn(
                state.db.clone(),
                state.settings.clone(),
                NUDGE_CHECK_EVERY,
                stop.clone(),
            );
            let check_ins = crate::services::engagements::spawn(
                state.db.clone(),
                state.settings.clone(),
                NUDGE_CHECK_EVERY,
                stop.clone(),
            );
            let db = state.db.clone();
            let forgetting = crate::services::periodic::spawn(
                "expired invitations forgotten",
                crate::services::invitations::FORGET_CHECK_EVERY,
                stop.clone(),
                move || {
                    let db = db.clone();
                    async move {
                        Ok(
                            crate::services::invitations::forget_expired(&db, chrono::Utc::now())
                                .await?,
                        )
                    }
                },
            );
            // Relays a stopped process left waiting (their emails not yet written). The
            // task ends with the others at shutdown; nothing waits on its handle.
            let (db, ranking, public_url) = (
                state.db.clone(),
                state.ranking.clone(),
                state.settings.public_url.clone(),
            );
            drop(crate::services::periodic::spawn(
                "relays written",
                crate::services::relay::RETRY_EVERY,
                stop.clone(),
                move || {
                    let (db, ranking, public_url) =
                        (db.clone(), ranking.clone(), public_url.clone());
                    async move {
                        crate::services::relay::deliver_waiting(
                            &db,
                            &ranking,
                            &public_url,
                            chrono::Utc::now(),
                        )
                        .await
                    }
                },
            ));
            let handle = email::worker::spawn_supervised(
                state.db.clone(),
                state.settings.clone(),
                stop,
                mail_health.clone(),
            )?;
            Some(MailWorker {
                shutdown,
                handle,
                nudges,
                forgetting,
                check_ins,
            })
        } else {
            None
        };
        let document = openapi()?;
        let known_paths = web::Data::new(routes::fallback::KnownPaths::from_document(&document));
        let openapi_json = web::Data::new(routes::openapi::Document(document.to_string()));
        let metrics = web::Data::new(Metrics::default());
        let throttles = web::Data::new(Throttles::new(&state.settings.throttle));
        // `/ready` and `/metrics` report on the worker (`/ready` only where one should run).
        let mail_health = web::Data::from(mail_health);
        let data = web::Data::new(state.clone());
        let grace = state.settings.shutdown_grace;
        let server = HttpServer::new(move || {
            let (app, _) = App::new()
                .into_utoipa_app()
                .app_data(data.clone())
                .app_data(metrics.clone())
                .app_data(throttles.clone())
                .app_data(openapi_json.clone())
                .app_data(known_paths.clone())
                .app_data(mail_health.clone())
                .app_data(extract::path_config())
                .configure(routes::health::configure)
                .service(scope::scope("/api/v1").configure(routes::configure))
                .split_for_parts();
            app.configure(crate::web::configure)
                .default_service(web::to(routes::fallback::no_route))
                // Inside the error handlers, so a refusal is rendered as a page.
                .wrap(middleware::from_fn(crate::web::csrf::check_origin))
                .wrap(middleware::from_fn(crate::web::head_as_get))
                .wrap(ErrorHandlers::new().default_handler(problem_for_plain_errors))
                .wrap(middleware::from_fn(crate::security_headers::add))
                .wrap(middleware::from_fn(note_writes))
                .wrap(middleware::from_fn(metrics::track))
                .wrap(TracingLogger::default())
        })
        // A client gets 5 s to send a request's head, and 1 s to close its connection
        // after the answer.
        .client_request_timeout(std::time::Duration::from_secs(5))
        .client_disconnect_timeout(std::time::Duration::from_secs(1))
        .listen(listener)
        .context("starting the HTTP server")?
        // After SIGTERM, requests in flight (or still arriving, however slowly) get the
        // grace; then their connections are closed and the server returns.
        .shutdown_timeout(grace.as_secs())
        .run();
        Ok(Self {
            port,
            server,
            state,
            mail_worker,
            ranking_feed,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The shared state (tests and background workers use its pool).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Runs until SIGTERM or Ctrl-C; actix then stops accepting, finishes in-flight
    /// requests (up to the shutdown timeout) and returns.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        // The ranking feed holds nothing worth finishing: stop it at once.
        let _ = self.ranking_feed.shutdown.send(true);
        let _ = self.ranking_feed.handle.await;
        // Then the mail worker: it finishes the sends in flight (each bounded by the send
        // timeout) and hands back the rows it had claimed but not started.
        if let Some(worker) = self.mail_worker {
            let _ = worker.shutdown.send(true);
            let _ = worker.nudges.await;
            let _ = worker.forgetting.await;
            let _ = worker.check_ins.await;
            let grace = self.state.settings.mail.send_timeout + std::time::Duration::from_secs(5);
            if tokio::time::timeout(grace, worker.handle).await.is_err() {
                tracing::warn!(
                    "the mail worker did not stop in time; its claimed rows are retried after their lease"
                );
            }
        }
        result
    }
}

/// Middleware: after every request that may write (not `GET`, `HEAD` or `OPTIONS`),
/// successful or not, kept candidate lists are stale (see [`ranking::cache`]) and kept
/// callers are read again (see [`crate::auth::callers`]).
async fn note_writes(
    request: actix_web::dev::ServiceRequest,
    next: middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::Method;
    let writes = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let state = if writes {
        request.app_data::<web::Data<AppState>>().cloned()
    } else {
        None
    };
    let response = next.call(request).await;
    if let Some(state) = state {
        state.ranking.lists.note_write();
        state.callers.note_write();
    }
    response
}

/// Errors raised inside actix itself (an unmatched method, a payload error) come as plain
/// text; rewrite any 4xx/5xx that is not already problem+json so every error has one shape.
/// Errors of the pages become error pages instead.
fn problem_for_plain_errors<B: actix_web::body::MessageBody + 'static>(
    response: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    if crate::web::is_page_path(response.request().path()) {
        return Ok(crate::web::errors::render(response));
    }
    let is_problem = response
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(
            response.map_into_left_body(),
        ));
    }
    let status = response.status();
    let error = match status.as_u16() {
        400 => ApiError::BadRequest("the request is malformed".to_owned()),
        401 => ApiError::Unauthorized,
        404 => ApiError::NoRoute,
        405 => ApiError::MethodNotAllowed,
        413 => ApiError::PayloadTooLarge,
        415 => ApiError::UnsupportedMediaType("application/json"),
        503 => ApiError::Unavailable(anyhow::anyhow!("unavailable")),
        code if code >= 500 => ApiError::Internal(anyhow::anyhow!("unhandled {status}")),
        _ => ApiError::BadRequest(
            status
                .canonical_reason()
                .unwrap_or("bad request")
                .to_owned(),
        ),
    };
    let allow = response
        .headers()
        .get(actix_web::http::header::ALLOW)
        .cloned();
    let (request, _) = response.into_parts();
    let mut rewritten = actix_web::ResponseError::error_response(&error);
    if let Some(allow) = allow {
        rewritten
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    Ok(ErrorHandlerResponse::Response(
        actix_web::dev::ServiceResponse::new(request, rewritten).map_into_right_body(),
    ))
}
