//! A throw-away PostgreSQL cluster a test starts, stops and starts again itself (the
//! shared server of the suite must never be restarted). The binaries are found as
//! `scripts/postgres.sh` finds them: on `PATH`, else the newest
//! `/usr/lib/postgresql/*/bin`. Missing binaries fail the test with a message saying
//! so; `scripts/test.sh` installs PostgreSQL when it is missing.
#![expect(
    clippy::expect_used,
    reason = "a cluster that cannot start must fail the test loudly"
)]

use std::{
    path::{Path, PathBuf},
    process::Command,
};

use uuid::Uuid;

/// A running (or stopped) cluster in a temporary directory, removed on drop.
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    /// Run the server as this user (initdb and postgres refuse to run as root).
    run_as: Option<String>,
}

/// The directory holding `initdb` and `pg_ctl`.
fn find_bin() -> PathBuf {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
                return dir;
            }
        }
    }
    let mut versions: Vec<(Vec<u32>, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| {
                    let version = entry
                        .file_name()
                        .to_string_lossy()
                        .split('.')
                        .map(str::parse)
                        .collect::<Result<Vec<u32>, _>>()
                        .ok()?;
                    let bin = entry.path().join("bin");
                    (bin.join("initdb").is_file() && bin.join("pg_ctl").is_file())
                        .then_some((version, bin))
                })
                .collect()
        })
        .unwrap_or_default();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).unwrap_or_else(|| {
        panic!(
            "this test starts its own PostgreSQL cluster, but initdb and pg_ctl are neither on PATH nor in /usr/lib/postgresql/*/bin: install PostgreSQL (scripts/test.sh does, as root)"
        )
    })
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

impl PgCluster {
    /// initdb and start a cluster on a free port of 127.0.0.1, trust auth, user
    /// `postgres`.
    pub fn start() -> Self {
        let bin = find_bin();
        let run_as = is_root().then(|| "postgres".to_owned());
        // /tmp rather than $TMPDIR: the postgres user must be able to reach it.
        let dir = PathBuf::from(format!("/tmp/musubi-pg-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("a directory for the cluster");
        let cluster = Self {
            bin,
            dir,
            port: free_port(),
            run_as,
        };
        if let Some(user) = &cluster.run_as {
            let owned = Command::new("chown")
                .arg(user)
                .arg(&cluster.dir)
                .status()
                .expect("running chown");
            assert!(
                owned.success(),
                "chown {user} {}: is there a `postgres` user?",
                cluster.dir.display()
            );
        }
        let data = cluster.data();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        cluster.start_again();
        cluster
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        let output = command
            .args(args)
            .output()
            .unwrap_or_else(|error| panic!("running {}: {error}", program.display()));
        assert!(
            output.status.success(),
            "{} {args:?} failed: {}{}\nserver log:\n{}",
            program.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr),
            std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
        );
    }

    /// Starts the (stopped) cluster again on its port, waiting until it answers.
    pub fn start_again(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
        );
    }

    /// Stops the cluster as an operator's restart does (`-m fast`: sessions are ended,
    /// open transactions rolled back, a clean shutdown).
    pub fn stop_fast(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    /// The URL of its `postgres` database (an admin URL for `TestApp::spawn_on_postgres`).
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Where its files are.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data();
        let args = ["-D", data.as_str(), "-m", "immediate", "stop"];
        let _ = match &self.run_as {
            Some(user) => Command::new("runuser")
                .args(["-u", user, "--"])
                .arg(&program)
                .args(args)
                .output(),
            None => Command::new(&program).args(args).output(),
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
