//! Throttling of the endpoints an attacker guesses through: login, registration and the
//! password-reset request, per account and per client address.
//!
//! Each limit is a sliding-window log: a key remembers the instants of its recent
//! attempts (at most `max` of them), an attempt is refused while `max` lie within the
//! window, and the refusal says when the oldest leaves it (`Retry-After`). There is no
//! lock to hold: an attacker keeps an account throttled only while they keep sending,
//! and each of their addresses is limited too. State lives in this process, bounded by
//! `max_keys` per limit; keys idle for a whole window are forgotten.

use std::{
    collections::{HashMap, VecDeque},
    net::IpAddr,
    sync::{Mutex, MutexGuard},
    time::{Duration, Instant},
};

use crate::config::{Limit, ThrottleSettings};

/// How many attempts pass between sweeps of idle keys.
const SWEEP_EVERY: u32 = 1_024;

/// One limit over many keys.
#[derive(Debug)]
pub struct Throttle {
    limit: Limit,
    max_keys: usize,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    attempts: HashMap<String, VecDeque<Instant>>,
    since_sweep: u32,
}

impl Throttle {
    /// A throttle allowing `limit.max` attempts per key within `limit.window`.
    pub fn new(limit: Limit, max_keys: usize) -> Self {
        Self {
            limit,
            max_keys: max_keys.max(1),
            state: Mutex::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Records an attempt for `key`, or refuses it with the time until one is allowed.
    pub fn attempt(&self, key: &str) -> Result<(), Duration> {
        self.attempt_at(key, Instant::now())
    }

    fn attempt_at(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let window = self.limit.window;
        let max = usize::try_from(self.limit.max).unwrap_or(usize::MAX);
        let mut state = self.lock();
        state.since_sweep += 1;
        if state.since_sweep >= SWEEP_EVERY || state.attempts.len() >= self.max_keys {
            state.since_sweep = 0;
            state
                .attempts
                .retain(|_, times| times.back().is_some_and(|last| now - *last < window));
        }
        if !state.attempts.contains_key(key) && state.attempts.len() >= self.max_keys {
            // Every key is active (a flood from very many addresses): forget one so memory
            // stays bounded. That key's count restarts, which only ever helps its owner.
            if let Some(victim) = state.attempts.keys().next().cloned() {
                state.attempts.remove(&victim);
            }
        }
        let times = state.attempts.entry(key.to_owned()).or_default();
        while times.front().is_some_and(|first| now - *first >= window) {
            times.pop_front();
        }
        if times.len() >= max {
            let oldest = times.front().copied().unwrap_or(now);
            return Err(window.saturating_sub(now - oldest));
        }
        times.push_back(now);
        Ok(())
    }

    /// Takes back the latest attempt of `key` (a login that succeeded does not count).
    pub fn refund(&self, key: &str) {
        let mut state = self.lock();
        if let Some(times) = state.attempts.get_mut(key) {
            times.pop_back();
            if times.is_empty() {
                state.attempts.remove(key);
            }
        }
    }
}

/// Every throttle of the service, built once from the settings.
#[derive(Debug)]
pub struct Throttles {
    /// Failed logins and wrong current passwords, per account.
    pub login_account: Throttle,
    /// Failed logins, per client address.
    pub login_address: Throttle,
    /// Registrations, per email.
    pub register_account: Throttle,
    /// Registrations, per client address.
    pub register_address: Throttle,
    /// Password-reset requests, per email.
    pub reset_account: Throttle,
    /// Password-reset requests, per client address.
    pub reset_address: Throttle,
    client_address_header: Option<String>,
}

impl Throttles {
    /// Builds every throttle.
    pub fn new(settings: &ThrottleSettings) -> Self {
        let throttle = |limit| Throttle::new(limit, settings.max_keys);
        Self {
            login_account: throttle(settings.login_per_account),
            login_address: throttle(settings.login_per_address),
            register_account: throttle(settings.register_per_account),
            register_address: throttle(settings.register_per_address),
            reset_account: throttle(settings.reset_per_account),
            reset_address: throttle(settings.reset_per_address),
            client_address_header: settings.client_address_header.clone(),
        }
    }

    /// The key of the client's address: the TCP peer, or the configured proxy header's
    /// last entry. IPv6 addresses count per /64, the block one subscriber usually holds.
    /// `header` reads a request header by name; `peer` is the TCP peer's address.
    pub fn client_key<'a>(
        &self,
        header: impl Fn(&str) -> Option<&'a str>,
        peer: Option<IpAddr>,
    ) -> String {
        let from_header = self.client_address_header.as_ref().and_then(|name| {
            let value = header(name.as_str())?;
            value.rsplit(',').next()?.trim().parse::<IpAddr>().ok()
        });
        match from_header.or(peer) {
            Some(IpAddr::V4(ip)) => ip.to_string(),
            Some(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
                Some(v4) => v4.to_string(),
                None => {
                    let segments = ip.segments();
                    format!(
                        "{:x}:{:x}:{:x}:{:x}::/64",
                        segments[0], segments[1], segments[2], segments[3]
                    )
                }
            },
            None => "unknown".to_owned(),
        }
    }
}

/// Records an attempt against an account key and an address key together: both must
/// allow it, and a refusal by one takes back what the other recorded. A refusal is the
/// time until an attempt is allowed again.
pub fn attempt_both(
    account: (&Throttle, &str),
    address: (&Throttle, &str),
) -> Result<(), Duration> {
    account.0.attempt(account.1)?;
    if let Err(wait) = address.0.attempt(address.1) {
        account.0.refund(account.1);
        return Err(wait);
    }
    Ok(())
}

/// A refusal's wait in whole seconds for `Retry-After`: rounded up, at least one.
pub fn retry_after(wait: Duration) -> u64 {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    seconds.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle(max: u32, window_secs: u64, max_keys: usize) -> Throttle {
        Throttle::new(
            Limit {
                max,
                window: Duration::from_secs(window_secs),
            },
            max_keys,
        )
    }

    #[test]
    fn the_attempt_past_the_limit_is_refused_until_the_oldest_leaves_the_window() {
        let throttle = throttle(3, 60, 100);
        let start = Instant::now();
        for second in 0..3 {
            assert!(
                throttle
                    .attempt_at("a@example.jp", start + Duration::from_secs(second))
                    .is_ok()
            );
        }
        let refused = throttle
            .attempt_at("a@example.jp", start + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(refused, Duration::from_secs(50));
        // Another key is not affected.
        assert!(
            throttle
                .attempt_at("b@example.jp", start + Duration::from_secs(10))
                .is_ok()
        );
        // The window slides: at 60 s the first attempt has left it, one more is allowed.
        assert!(
            throttle
                .attempt_at("a@example.jp", start + Duration::from_secs(60))
                .is_ok()
        );
        assert!(
            throttle
                .attempt_at("a@example.jp", start + Duration::from_secs(60))
                .is_err()
        );
    }

    #[test]
    fn a_refund_takes_back_the_latest_attempt() {
        let throttle = throttle(1, 60, 100);
        let now = Instant::now();
        assert!(throttle.attempt_at("k", now).is_ok());
        throttle.refund("k");
        assert!(throttle.attempt_at("k", now).is_ok());
        assert!(throttle.attempt_at("k", now).is_err());
    }

    #[test]
    fn memory_stays_bounded_by_max_keys() {
        let throttle = throttle(5, 60, 50);
        let now = Instant::now();
        for n in 0..10_000 {
            assert!(
                throttle
                    .attempt_at(&format!("10.0.{}.{}", n / 256, n % 256), now)
                    .is_ok()
            );
        }
        assert!(throttle.lock().attempts.len() <= 50);
    }

    #[test]
    fn idle_keys_are_swept() {
        let throttle = throttle(5, 1, 1_000_000);
        let start = Instant::now();
        for n in 0..100 {
            assert!(throttle.attempt_at(&n.to_string(), start).is_ok());
        }
        let later = start + Duration::from_secs(5);
        for _ in 0..SWEEP_EVERY {
            // Refused after the fifth: a refusal still counts towards the next sweep.
            let _ = throttle.attempt_at("fresh", later);
        }
        assert!(throttle.lock().attempts.len() <= 1);
    }

    #[test]
    fn a_refusal_by_the_address_takes_back_the_accounts_attempt() {
        let account = throttle(1, 60, 100);
        let address = throttle(1, 60, 100);
        assert!(attempt_both((&account, "a@example.jp"), (&address, "10.0.0.1")).is_ok());
        // The address is spent: the attempt for another account is refused and not counted.
        assert!(attempt_both((&account, "b@example.jp"), (&address, "10.0.0.1")).is_err());
        assert!(attempt_both((&account, "b@example.jp"), (&address, "10.0.0.2")).is_ok());
    }

    #[test]
    fn retry_after_rounds_up_and_is_at_least_one_second() {
        for (wait, expected) in [
            (Duration::from_millis(1), 1),
            (Duration::from_millis(1_001), 2),
            (Duration::from_secs(59), 59),
        ] {
            assert_eq!(retry_after(wait), expected);
        }
    }
}
