# syntax=docker/dockerfile:1
# The musubi service image. Build: docker build -t musubi .   (or: docker compose up)

# ---- build ----
FROM rust:1-bookworm AS builder
WORKDIR /src
# The registry and target dir live in BuildKit cache mounts: a source change then
# recompiles only our own crates, and the dependencies stay compiled across builds.
# (A stub-manifest "dependencies layer" would break whenever a crate adds a
# [[bench]] or [[test]] target, so we do not use one.)
COPY . .
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin musubi \
 && cp target/release/musubi /usr/local/bin/musubi

# ---- runtime ----
FROM debian:bookworm-slim
# ca-certificates + libssl3: lettre talks TLS (smtps, STARTTLS) through native-tls.
# curl: for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates libssl3 curl \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/musubi --create-home \
      --shell /usr/sbin/nologin musubi
COPY --from=builder /usr/local/bin/musubi /usr/local/bin/musubi
# The embedded SQLite default, its generated secret and the mail outbox land in
# the working directory, so make it one the service may write.
WORKDIR /var/lib/musubi
USER musubi
ENV MUSUBI_BIND=0.0.0.0:8080
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:8080/health >/dev/null || exit 1
ENTRYPOINT ["musubi"]
CMD ["serve"]
