//! A real SMTP server for tests: it listens on 127.0.0.1 over TCP, speaks enough of RFC
//! 5321 for lettre (EHLO/HELO, MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP,
//! QUIT), and keeps every message it accepts with its envelope.
//!
//! It can be stopped (the listener closes and every open connection is dropped, so a
//! client gets "connection refused") and restarted on the same port, switched to
//! reject everything, to hang without answering, or to answer slowly, and told to hang
//! on one recipient only: the session that names it in `RCPT TO` falls silent, the
//! others go on. It counts the sessions open at the moment, so a test can see a client
//! close the socket of a session it gave up on.
#![expect(
    clippy::expect_used,
    reason = "a test server that cannot run must fail the test loudly"
)]

use std::{
    net::SocketAddr,
    sync::{
        Arc, Mutex, MutexGuard,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::{TcpListener, TcpSocket, TcpStream},
    sync::Notify,
    task::{JoinHandle, JoinSet},
};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    /// The `MAIL FROM` address.
    pub mail_from: String,
    /// The `RCPT TO` addresses.
    pub rcpt_to: Vec<String>,
    /// The message as sent (dot-unstuffed, CRLF line ends, without the final `.`).
    pub data: Vec<u8>,
}

impl Received {
    /// The message parsed by a real MIME parser.
    pub fn parse(&self) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(&self.data)
            .expect("a parseable message")
    }

    /// Its `Message-ID`, without angle brackets.
    pub fn message_id(&self) -> String {
        self.parse().message_id().expect("a Message-ID").to_owned()
    }
}

/// How the server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Accept every message.
    Accept,
    /// Refuse every message with a permanent error (554) at `MAIL FROM`.
    Reject,
    /// Accept the connection and never say anything (a client must time out).
    Hang,
    /// Accept, but wait this long before acknowledging each message's data.
    Slow(Duration),
}

#[derive(Debug)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    mode: Mutex<Mode>,
    arrived: Notify,
    /// A recipient whose `RCPT TO` gets no answer.
    hang_on: Mutex<Option<String>>,
    /// Sessions open right now.
    open: AtomicUsize,
    /// Of those, the ones fallen silent on the hanging recipient.
    hanging: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running (or stopped) test SMTP server.
#[derive(Debug)]
pub struct SmtpServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl SmtpServer {
    /// Starts a server on a free port of 127.0.0.1 that accepts everything.
    pub async fn start() -> Self {
        let listener = bind("127.0.0.1:0".parse().expect("an address"));
        let address = listener.local_addr().expect("the bound address");
        let shared = Arc::new(Shared {
            messages: Mutex::new(Vec::new()),
            mode: Mutex::new(Mode::Accept),
            arrived: Notify::new(),
            hang_on: Mutex::new(None),
            open: AtomicUsize::new(0),
            hanging: AtomicUsize::new(0),
        });
        let task = tokio::spawn(serve(listener, shared.clone()));
        Self {
            address,
            shared,
            task: Mutex::new(Some(task)),
        }
    }

    /// `smtp://127.0.0.1:PORT`, for `MUSUBI_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.address)
    }

    /// The port, the same across restarts.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// Changes how the server answers from the next command on.
    pub fn set_mode(&self, mode: Mode) {
        *lock(&self.shared.mode) = mode;
    }

    /// Makes every session that names `recipient` in `RCPT TO` fall silent (it reads on
    /// until the client closes the connection); `None` ends that. Other sessions are
    /// served as usual.
    pub fn hang_on(&self, recipient: Option<&str>) {
        *lock(&self.shared.hang_on) = recipient.map(str::to_owned);
    }

    /// How many SMTP sessions are open right now (hanging ones included).
    pub fn open_sessions(&self) -> usize {
        self.shared.open.load(Ordering::SeqCst)
    }

    /// How many sessions hang on the hanging recipient right now: each ends only when
    /// its client closes the connection.
    pub fn hanging_sessions(&self) -> usize {
        self.shared.hanging.load(Ordering::SeqCst)
    }

    /// Stops listening and drops every open connection; clients now get "connection
    /// refused". Messages received so far are kept.
    pub async fn stop(&self) {
        let task = lock(&self.task).take();
        if let Some(task) = task {
            task.abort();
            // Dropping the task drops the listener and the JoinSet, which aborts every
            // connection task and so closes their sockets.
            let _ = task.await;
        }
    }

    /// Starts listening again on the same port.
    pub async fn restart(&self) {
        self.stop().await;
        let listener = bind(self.address);
        *lock(&self.task) = Some(tokio::spawn(serve(listener, self.shared.clone())));
    }

    /// Every message accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        lock(&self.shared.messages).clone()
    }

    /// Waits until at least `count` messages have arrived and returns them all; panics
    /// with what did arrive if that takes longer than `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let arrived = self.shared.arrived.notified();
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let messages = self.messages();
                assert!(
                    messages.len() >= count,
                    "expected {count} messages within {timeout:?}, got {}",
                    messages.len()
                );
                return messages;
            }
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = lock(&self.task).take() {
            task.abort();
        }
    }
}

/// Binds with SO_REUSEADDR, so a restart can take the port back while the connections
/// of the previous run linger in TIME_WAIT.
fn bind(address: SocketAddr) -> TcpListener {
    let socket = TcpSocket::new_v4().expect("a socket");
    socket.set_reuseaddr(true).expect("SO_REUSEADDR");
    socket.bind(address).expect("binding the SMTP test server");
    socket.listen(128).expect("listening")
}

async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    connections.spawn(session(stream, shared.clone()));
                }
            }
            // Reap finished sessions so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// Counts a session open from its start until it ends (or is aborted with the server).
struct OpenSession(Arc<Shared>);

impl Drop for OpenSession {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a session hanging until it ends.
struct HangingSession(Arc<Shared>);

impl Drop for HangingSession {
    fn drop(&mut self) {
        self.0.hanging.fetch_sub(1, Ordering::SeqCst);
    }
}

/// One SMTP session. Any I/O error ends it.
async fn session(stream: TcpStream, shared: Arc<Shared>) -> std::io::Result<()> {
    shared.open.fetch_add(1, Ordering::SeqCst);
    let _open = OpenSession(shared.clone());
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    if *lock(&shared.mode) == Mode::Hang {
        // Hold the connection open, silent, until the client gives up.
        let mut sink = Vec::new();
        while reader.read_until(b'\n', &mut sink).await? > 0 {}
        return Ok(());
    }
    writer.write_all(b"220 musubi-test ESMTP ready\r\n").await?;
    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line).trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let mode = *lock(&shared.mode);
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-musubi-test greets you\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n",
            "HELO" => b"250 musubi-test\r\n",
            "MAIL" if mode == Mode::Reject => b"554 5.7.1 this test server rejects all mail\r\n",
            "MAIL" => {
                mail_from = Some(address_in(&command));
                rcpt_to.clear();
                b"250 2.1.0 OK\r\n"
            }
            "RCPT" if mail_from.is_none() => b"503 5.5.1 MAIL first\r\n",
            "RCPT" => {
                let recipient = address_in(&command);
                if lock(&shared.hang_on).as_deref() == Some(recipient.as_str()) {
                    // Silent from here on, until the client gives up and closes.
                    shared.hanging.fetch_add(1, Ordering::SeqCst);
                    let _hanging = HangingSession(shared.clone());
                    let mut sink = Vec::new();
                    while reader.read_until(b'\n', &mut sink).await? > 0 {}
                    return Ok(());
                }
                rcpt_to.push(recipient);
                b"250 2.1.5 OK\r\n"
            }
            "DATA" if rcpt_to.is_empty() => b"503 5.5.1 RCPT first\r\n",
            "DATA" => {
                writer
                    .write_all(b"354 end data with <CR><LF>.<CR><LF>\r\n")
                    .await?;
                let data = read_data(&mut reader).await?;
                if let Mode::Slow(delay) = mode {
                    tokio::time::sleep(delay).await;
                }
                let message = Received {
                    mail_from: mail_from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpt_to),
                    data,
                };
                lock(&shared.messages).push(message);
                shared.arrived.notify_waiters();
                b"250 2.0.0 OK queued\r\n"
            }
            "RSET" => {
                mail_from = None;
                rcpt_to.clear();
                b"250 2.0.0 OK\r\n"
            }
            "NOOP" => b"250 2.0.0 OK\r\n",
            "QUIT" => {
                writer.write_all(b"221 2.0.0 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 5.5.2 command not recognised\r\n",
        };
        writer.write_all(reply).await?;
    }
}

/// The address inside `MAIL FROM:<a@b> …` or `RCPT TO:<a@b>`.
fn address_in(command: &str) -> String {
    match (command.find('<'), command.find('>')) {
        (Some(open), Some(close)) if close > open => command[open + 1..close].to_owned(),
        _ => command
            .split(':')
            .nth(1)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// Reads the DATA section up to the lone `.` line, removing the dot-stuffing (a line
/// that starts with `.` was sent with one more).
async fn read_data(
    reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
) -> std::io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed inside DATA",
            ));
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(data);
        }
        let unstuffed = if line.starts_with(b".") {
            &line[1..]
        } else {
            &line[..]
        };
        data.extend_from_slice(unstuffed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn talk(port: u16, script: &[&str]) -> Vec<String> {
        let stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let (reader, mut writer) = stream.into_split();
        let mut reader = BufReader::new(reader);
        let mut replies = Vec::new();
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        replies.push(line.clone());
        for command in script {
            // Every command (and the data block) gets one reply, maybe of several lines.
            writer.write_all(command.as_bytes()).await.unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).await.unwrap();
                replies.push(line.clone());
                // A continued reply has '-' after its code.
                if line.as_bytes().get(3) != Some(&b'-') {
                    break;
                }
            }
        }
        replies
    }

    #[tokio::test]
    async fn it_receives_a_message_with_its_envelope_and_unstuffs_dots() {
        let server = SmtpServer::start().await;
        let replies = talk(
            server.port(),
            &[
                "EHLO test\r\n",
                "MAIL FROM:<a@example.jp>\r\n",
                "RCPT TO:<b@example.jp>\r\n",
                "DATA\r\n",
                "Subject: x\r\n\r\n..leading dot\r\n.\r\n",
                "QUIT\r\n",
            ],
        )
        .await;
        assert!(replies.iter().any(|r| r.starts_with("354")), "{replies:?}");
        let messages = server.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(messages[0].mail_from, "a@example.jp");
        assert_eq!(messages[0].rcpt_to, ["b@example.jp"]);
        assert_eq!(messages[0].data, b"Subject: x\r\n\r\n.leading dot\r\n");
    }

    #[tokio::test]
    async fn a_session_naming_the_hanging_recipient_falls_silent_and_the_others_go_on() {
        let server = SmtpServer::start().await;
        server.hang_on(Some("stuck@example.jp"));
        let stuck = TcpStream::connect(("127.0.0.1", server.port()))
            .await
            .unwrap();
        let (reader, mut writer) = stuck.into_split();
        let mut reader = BufReader::new(reader);
        let mut line = String::new();
        reader.read_line(&mut line).await.unwrap();
        for command in ["EHLO t\r\n", "MAIL FROM:<a@example.jp>\r\n"] {
            writer.write_all(command.as_bytes()).await.unwrap();
            loop {
                line.clear();
                reader.read_line(&mut line).await.unwrap();
                if line.as_bytes().get(3) != Some(&b'-') {
                    break;
                }
            }
        }
        writer
            .write_all(b"RCPT TO:<stuck@example.jp>\r\n")
            .await
            .unwrap();
        line.clear();
        let silent =
            tokio::time::timeout(Duration::from_millis(300), reader.read_line(&mut line)).await;
        assert!(
            silent.is_err(),
            "no answer to the hanging recipient: {line:?}"
        );
        assert_eq!((server.open_sessions(), server.hanging_sessions()), (1, 1));

        // Another recipient is served meanwhile.
        let replies = talk(
            server.port(),
            &[
                "EHLO test\r\n",
                "MAIL FROM:<a@example.jp>\r\n",
                "RCPT TO:<fine@example.jp>\r\n",
                "DATA\r\n",
                "Subject: y\r\n\r\nbody\r\n.\r\n",
                "QUIT\r\n",
            ],
        )
        .await;
        assert!(replies.iter().any(|r| r.starts_with("354")), "{replies:?}");
        assert_eq!(server.wait_for(1, Duration::from_secs(5)).await.len(), 1);

        // The client closing the silent session ends it on the server too.
        drop((reader, writer));
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while server.open_sessions() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!((server.open_sessions(), server.hanging_sessions()), (0, 0));
        server.hang_on(None);
    }

    #[tokio::test]
    async fn a_stopped_server_refuses_connections_and_a_restarted_one_takes_them_again() {
        let server = SmtpServer::start().await;
        server.stop().await;
        assert!(
            TcpStream::connect(("127.0.0.1", server.port()))
                .await
                .is_err()
        );
        server.restart().await;
        assert!(
            TcpStream::connect(("127.0.0.1", server.port()))
                .await
                .is_ok()
        );
    }
}
