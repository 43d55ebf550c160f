//! From an outbox row to a delivered message: over SMTP (lettre) when `MUSUBI_SMTP_URL`
//! is set, otherwise as `.eml` files in `MUSUBI_MAIL_DIR` (the embedded default).

use std::{
    io::Write as _,
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::{Duration, Instant, SystemTime},
};

use anyhow::{Context, bail};
use lettre::{
    Address, Message,
    message::{Attachment, Mailbox, MultiPart, SinglePart, header::ContentType},
    transport::smtp::{
        authentication::{Credentials, DEFAULT_MECHANISMS},
        client::{AsyncSmtpConnection, Tls, TlsParameters},
        extension::ClientId,
    },
};
use uuid::Uuid;

use crate::{
    config::{Secret, Settings},
    domain::text::{EmailAddress, MultiLine, SingleLine},
    entities::outbox,
};

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    /// An SMTP relay: one connection per send in flight, a timeout on every command.
    Smtp(Arc<SmtpConnections>),
    /// A directory of `<outbox id>.eml` files.
    Files(PathBuf),
}

impl std::fmt::Debug for Transport {
    // The SMTP URL may carry a password: show the kind only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Smtp(_) => f.write_str("Transport::Smtp"),
            Self::Files(dir) => write!(f, "Transport::Files({})", dir.display()),
        }
    }
}

/// The SMTP connections of the concurrent sends, opened and kept here rather than in
/// lettre's pool. Each send takes a connection of its own (an idle one that still
/// answers `NOOP`, else a new one) and gives it back only if the send succeeded. A send
/// cut off by the worker's timeout drops its connection with it, which closes the socket
/// at once: lettre's pool would instead park a connection whose reply is still
/// outstanding (a dropped send does not mark it broken), or try to `QUIT` it and wait
/// for an answer without any read timeout, leaving the socket open for as long as the
/// server stays silent.
pub struct SmtpConnections {
    server: SmtpServer,
    timeout: Duration,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    most_idle: usize,
}

/// How long an idle connection is kept before it is closed rather than reused.
const IDLE_FOR: Duration = Duration::from_secs(60);

/// What `MUSUBI_SMTP_URL` names, read the way lettre's `from_url` reads it.
struct SmtpServer {
    host: String,
    port: u16,
    tls: Tls,
    hello: ClientId,
    credentials: Option<Credentials>,
}

impl SmtpServer {
    fn parse(text: &str) -> anyhow::Result<Self> {
        let url = url::Url::parse(text).context("not a URL")?;
        let host = url.host_str().context("no host")?.to_owned();
        let tls_mode = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let parameters = || TlsParameters::new(host.clone()).context("TLS parameters");
        let (port, tls) = match (url.scheme(), tls_mode.as_deref()) {
            ("smtp", None) => (25, Tls::None),
            ("smtp", Some("required")) => (587, Tls::Required(parameters()?)),
            ("smtp", Some("opportunistic")) => (587, Tls::Opportunistic(parameters()?)),
            ("smtps", _) => (465, Tls::Wrapper(parameters()?)),
            (scheme, tls) => bail!("unknown scheme {scheme:?} or tls={tls:?}"),
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        let decode = |part: &str| {
            percent_encoding::percent_decode_str(part)
                .decode_utf8()
                .map(|text| text.into_owned())
                .context("the user or password is not UTF-8")
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        Ok(Self {
            port: url.port().unwrap_or(port),
            host,
            tls,
            hello,
            credentials,
        })
    }
}

impl SmtpConnections {
    /// Reads the URL now, so a bad `MUSUBI_SMTP_URL` fails at start-up.
    fn new(url: &Secret, timeout: Duration, most_idle: usize) -> anyhow::Result<Self> {
        Ok(Self {
            server: SmtpServer::parse(url.expose()).context(
                "MUSUBI_SMTP_URL is not a valid SMTP URL (smtp://host:port or smtps://user:pass@host)",
            )?,
            timeout,
            idle: Mutex::new(Vec::new()),
            most_idle,
        })
    }

    /// Connects, with TLS and authentication as the URL asks.
    async fn connect(&self) -> anyhow::Result<AsyncSmtpConnection> {
        let server = &self.server;
        let wrapped = match &server.tls {
            Tls::Wrapper(parameters) => Some(parameters.clone()),
            _ => None,
        };
        let mut connection = match wrapped {
            // lettre writes a message's body and its final `.` in two writes: with Nagle's
            // algorithm the second waits for the server's delayed ACK, 40 ms a message.
            // Our own socket, with TCP_NODELAY, is handed to lettre as it is.
            None => {
                let stream = tokio::time::timeout(
                    self.timeout,
                    tokio::net::TcpStream::connect((server.host.as_str(), server.port)),
                )
                .await
                .context("connecting to the SMTP server timed out")?
                .context("cannot connect to the SMTP server")?;
                stream
                    .set_nodelay(true)
                    .context("setting TCP_NODELAY on the SMTP connection")?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &server.hello)
                    .await
                    .context("the SMTP server did not greet")?
            }
            // Implicit TLS must wrap the socket before the greeting: lettre connects.
            Some(parameters) => AsyncSmtpConnection::connect_tokio1(
                (server.host.as_str(), server.port),
                Some(self.timeout),
                &server.hello,
                Some(parameters),
                None,
            )
            .await
            .context("cannot connect to the SMTP server")?,
        };
        match &server.tls {
            Tls::Required(parameters) => connection
                .starttls(parameters.clone(), &server.hello)
                .await
                .context("STARTTLS failed")?,
            Tls::Opportunistic(parameters) if connection.can_starttls() => connection
                .starttls(parameters.clone(), &server.hello)
                .await
                .context("STARTTLS failed")?,
            _ => {}
        }
        if let Some(credentials) = &server.credentials {
            connection
                .auth(DEFAULT_MECHANISMS, credentials)
                .await
                .context("the SMTP server refused the credentials")?;
        }
        Ok(connection)
    }

    /// An open connection: an idle one that still answers, else a new one.
    async fn take(&self) -> anyhow::Result<AsyncSmtpConnection> {
        loop {
            let idle = self
                .idle
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .pop();
            match idle {
                Some((mut connection, since)) => {
                    if since.elapsed() < IDLE_FOR && connection.test_connected().await {
                        return Ok(connection);
                    }
                    // Closed by the server, or idle too long: dropped, which closes it.
                }
                None => return self.connect().await,
            }
        }
    }

    fn give_back(&self, connection: AsyncSmtpConnection) {
        let mut idle = self
            .idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if idle.len() < self.most_idle && !connection.has_broken() {
            idle.push((connection, Instant::now()));
        }
    }

    async fn send(&self, message: &Message) -> anyhow::Result<()> {
        let mut connection = self.take().await?;
        connection
            .send(message.envelope(), &message.formatted())
            .await
            .context("the SMTP server did not accept the message")?;
        self.give_back(connection);
        Ok(())
    }
}

impl Transport {
    /// SMTP from `MUSUBI_SMTP_URL` (`smtp://` plain or `?tls=required` for STARTTLS,
    /// `smtps://` for TLS, `user:pass@` to authenticate), else files in `MUSUBI_MAIL_DIR`
    /// (created if missing, so a bad directory fails at start-up).
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        match &settings.smtp_url {
            Some(url) => Ok(Self::Smtp(Arc::new(SmtpConnections::new(
                url,
                settings.mail.send_timeout,
                settings.mail.concurrency,
            )?))),
            None => {
                std::fs::create_dir_all(&settings.mail_dir).with_context(|| {
                    format!(
                        "cannot create the mail directory {} (MUSUBI_MAIL_DIR)",
                        settings.mail_dir.display()
                    )
                })?;
                Ok(Self::Files(settings.mail_dir.clone()))
            }
        }
    }

    /// `smtp` or `files`, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Smtp(_) => "smtp",
            Self::Files(_) => "files",
        }
    }

    /// Delivers one message. Sending the same row again (after a crash) produces the same
    /// `Message-ID`, and for files overwrites the same file. Dropping the returned future
    /// (a timeout) closes the SMTP connection it was using.
    pub async fn send(&self, id: Uuid, message: Message) -> anyhow::Result<()> {
        match self {
            Self::Smtp(connections) => connections.send(&message).await,
            Self::Files(dir) => {
                let dir = dir.clone();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || write_atomically(&dir, id, &bytes))
                    .await
                    .context("the file writer panicked")?
            }
        }
    }
}

/// Writes `<dir>/<id>.eml` through a temporary file and a rename, so a crash never leaves
/// half a message and a retry replaces the file whole.
fn write_atomically(dir: &Path, id: Uuid, bytes: &[u8]) -> anyhow::Result<()> {
    let path = dir.join(format!("{id}.eml"));
    let temporary = dir.join(format!(".{id}.eml.tmp"));
    let mut file = std::fs::File::create(&temporary)
        .with_context(|| format!("cannot create {}", temporary.display()))?;
    file.write_all(bytes)
        .with_context(|| format!("cannot write {}", temporary.display()))?;
    file.sync_all()
        .with_context(|| format!("cannot flush {}", temporary.display()))?;
    drop(file);
    std::fs::rename(&temporary, &path)
        .with_context(|| format!("cannot move the message into {}", path.display()))
}

/// The `Message-ID` of an outbox row: stable, so a resend is recognisably the same message.
pub fn message_id(id: Uuid) -> String {
    format!("<{id}@musubi>")
}

/// Builds the RFC 5322 message of a row: `multipart/alternative` text and HTML, and for
/// meetings a `text/calendar; method=…` alternative (what Outlook and Gmail act on) plus
/// the same document as an `invite.ics` attachment (what other clients import).
pub fn build_message(row: &outbox::Model, from: &str) -> anyhow::Result<Message> {
    let from: Mailbox = from
        .parse()
        .context("MUSUBI_MAIL_FROM is not a mailbox like `Musubi <no-reply@example.jp>`")?;
    // The one address rule registration has; a row that breaks it fails, never panics.
    let address: Address = EmailAddress::parse(&row.to_address)
        .map_err(|why| anyhow::anyhow!("the recipient's address cannot be mailed: it {why}"))?
        .to_lettre();
    // Rows written before the text rules may hold line breaks or other controls in a name
    // or a title: made one line here, so old data can neither break a header nor stop mail.
    let name = Some(SingleLine::neutralise(row.to_name.trim()).trim().to_owned())
        .filter(|name| !name.is_empty());
    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(MultiLine::neutralise(&row.text_body)))
        .singlepart(SinglePart::html(MultiLine::neutralise(&row.html_body)));
    let body = match &row.calendar {
        None => alternative,
        Some(ics) => {
            let method = row.calendar_method.as_deref().unwrap_or("REQUEST");
            if !matches!(method, "REQUEST" | "CANCEL") {
                bail!("calendar method {method:?} is neither REQUEST nor CANCEL");
            }
            let calendar_type =
                ContentType::parse(&format!("text/calendar; method={method}; charset=UTF-8"))
                    .context("building the text/calendar content type")?;
            let attachment_type = ContentType::parse("application/ics")
                .context("building the application/ics content type")?;
            MultiPart::mixed()
                .multipart(
                    alternative.singlepart(
                        SinglePart::builder()
                            .header(calendar_type)
                            .body(ics.clone()),
                    ),
                )
                .singlepart(
                    Attachment::new("invite.ics".to_owned()).body(ics.clone(), attachment_type),
                )
        }
    };
    Message::builder()
        .from(from)
        .to(Mailbox::new(name, address))
        .subject(SingleLine::neutralise(&row.subject))
        .message_id(Some(message_id(row.id)))
        // The time the email was written, so every resend is the same message.
        .date(SystemTime::from(row.created_at))
        .multipart(body)
        .context("building the message")
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use mail_parser::MimeHeaders;

    use super::*;

    fn row(calendar: Option<(&str, &str)>) -> outbox::Model {
        let at = Utc.with_ymd_and_hms(2027, 1, 2, 3, 4, 5).unwrap();
        outbox::Model {
            id: Uuid::from_u128(42),
            kind: "meeting_invitation".to_owned(),
            status: "sending".to_owned(),
            recipient_user_id: None,
            region_id: None,
            match_id: None,
            to_address: "hanako@example.jp".to_owned(),
            to_name: "山田 花子".to_owned(),
            subject: "【Musubi】面談のご案内：塩尻市 CMO".to_owned(),
            text_body: "山田 花子 様\nDear 山田 花子,\n".to_owned(),
            html_body: "<p>山田 花子 様</p>".to_owned(),
            calendar: calendar.map(|(_, ics)| ics.to_owned()),
            calendar_method: calendar.map(|(method, _)| method.to_owned()),
            attempts: 0,
            max_attempts: 8,
            next_attempt_at: at,
            locked_until: None,
            locked_by: None,
            last_error: None,
            sent_at: None,
            created_at: at,
            updated_at: at,
            retry_until: None,
        }
    }

    fn parse(message: &Message) -> (Vec<u8>, mail_parser::Message<'static>) {
        let bytes = message.formatted();
        let parsed = mail_parser::MessageParser::default()
            .parse(&bytes)
            .unwrap()
            .into_owned();
        (bytes, parsed)
    }

    #[test]
    fn a_message_has_a_stable_id_an_encoded_subject_and_text_and_html() {
        let message = build_message(&row(None), "Musubi <no-reply@musubi.example.jp>").unwrap();
        let (bytes, parsed) = parse(&message);
        let raw = String::from_utf8_lossy(&bytes);
        assert!(
            raw.contains("Subject: =?utf-8?"),
            "the Japanese subject is RFC 2047 encoded:\n{raw}"
        );
        assert_eq!(parsed.subject(), Some("【Musubi】面談のご案内：塩尻市 CMO"));
        assert_eq!(
            parsed.message_id(),
            Some("00000000-0000-0000-0000-00000000002a@musubi")
        );
        assert_eq!(
            parsed.body_text(0).as_deref().map(str::trim_end),
            Some("山田 花子 様\r\nDear 山田 花子,")
        );
        assert!(
            parsed
                .body_html(0)
                .is_some_and(|html| html.contains("<p>山田 花子 様</p>"))
        );
        // Built twice, the same row keeps its Message-ID and Date.
        let (_, again) =
            parse(&build_message(&row(None), "Musubi <no-reply@musubi.example.jp>").unwrap());
        assert_eq!(again.message_id(), parsed.message_id());
        assert_eq!(
            again.date().map(|d| d.to_timestamp()),
            parsed.date().map(|d| d.to_timestamp())
        );
    }

    #[test]
    fn a_meeting_message_carries_the_calendar_part_and_the_attachment() {
        let ics = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n";
        let message =
            build_message(&row(Some(("CANCEL", ics))), "no-reply@musubi.example.jp").unwrap();
        let (bytes, parsed) = parse(&message);
        let raw = String::from_utf8_lossy(&bytes);
        // (lettre writes the charset lower-case; MIME parameters are case-insensitive.)
        assert!(
            raw.to_ascii_lowercase()
                .contains("text/calendar; method=cancel; charset=utf-8"),
            "{raw}"
        );
        assert!(
            raw.contains("multipart/mixed") && raw.contains("multipart/alternative"),
            "{raw}"
        );
        let attachment = parsed
            .attachments()
            .find(|part| part.attachment_name() == Some("invite.ics"))
            .unwrap();
        assert_eq!(std::str::from_utf8(attachment.contents()).unwrap(), ics);
    }

    #[test]
    fn old_rows_with_line_breaks_in_the_name_or_subject_are_sent_neutralised() {
        let mut old = row(None);
        old.to_name = "Eve\r\nBcc: x@evil.test".to_owned();
        old.subject = "【Musubi】ご紹介のお知らせ：CMO\r\nBcc: x@evil.test".to_owned();
        old.text_body = "Eve\r\nBcc 様\n\u{0}本文\n".to_owned();
        let message = build_message(&old, "no-reply@musubi.example.jp").unwrap();
        let (bytes, parsed) = parse(&message);
        let raw = String::from_utf8_lossy(&bytes);
        assert!(!raw.contains("\nBcc:"), "{raw}");
        assert_eq!(
            parsed.to().and_then(|to| to.first()).and_then(|a| a.name()),
            Some("Eve Bcc: x@evil.test")
        );
        assert_eq!(
            parsed.subject(),
            Some("【Musubi】ご紹介のお知らせ：CMO Bcc: x@evil.test")
        );
        assert_eq!(
            parsed.body_text(0).as_deref().map(str::trim_end),
            Some("Eve\r\nBcc 様\r\n 本文")
        );
    }

    #[test]
    fn an_address_registration_refuses_is_an_error_here_too() {
        for address in ["<odd@example.jp>", "a@[127.0.0.1]", "ａ@example.jp"] {
            let mut bad = row(None);
            bad.to_address = address.to_owned();
            assert!(
                build_message(&bad, "no-reply@musubi.example.jp").is_err(),
                "{address}"
            );
        }
    }

    #[test]
    fn the_smtp_url_is_read_as_lettre_reads_it() {
        let plain = SmtpServer::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert!(matches!(plain.tls, Tls::None) && plain.credentials.is_none());
        let wrapped = SmtpServer::parse("smtps://user%40x:p%C3%A4ss@mail.example.jp").unwrap();
        assert_eq!(wrapped.port, 465);
        assert!(matches!(wrapped.tls, Tls::Wrapper(_)));
        assert_eq!(
            wrapped.credentials,
            Some(Credentials::new("user@x".to_owned(), "päss".to_owned()))
        );
        let starttls = SmtpServer::parse("smtp://mail.example.jp?tls=required").unwrap();
        assert_eq!(starttls.port, 587);
        assert!(matches!(starttls.tls, Tls::Required(_)));
        assert!(SmtpServer::parse("http://mail.example.jp").is_err());
        assert!(SmtpServer::parse("smtp://").is_err());
    }

    #[test]
    fn a_malformed_recipient_or_sender_is_an_error() {
        let mut bad = row(None);
        bad.to_address = "not an address".to_owned();
        assert!(build_message(&bad, "no-reply@musubi.example.jp").is_err());
        assert!(build_message(&row(None), "Musubi <broken").is_err());
        assert!(build_message(&row(Some(("PUBLISH", "x"))), "no-reply@musubi.example.jp").is_err());
    }
}
