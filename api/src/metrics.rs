//! A few Prometheus counters, kept in atomics: requests by status class and their time.

use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::{
    Error,
    body::MessageBody,
    dev::{ServiceRequest, ServiceResponse},
    middleware::Next,
    web,
};

/// Process-wide request counters.
#[derive(Debug, Default)]
pub struct Metrics {
    by_class: [AtomicU64; 5],
    micros_total: AtomicU64,
}

impl Metrics {
    fn record(&self, status: u16, micros: u64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_class[class].fetch_add(1, Ordering::Relaxed);
        self.micros_total.fetch_add(micros, Ordering::Relaxed);
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP musubi_http_requests_total HTTP requests answered, by status class.\n# TYPE musubi_http_requests_total counter\n",
        );
        let mut total = 0;
        for (i, counter) in self.by_class.iter().enumerate() {
            let count = counter.load(Ordering::Relaxed);
            total += count;
            out.push_str(&format!(
                "musubi_http_requests_total{{class=\"{}xx\"}} {count}\n",
                i + 1
            ));
        }
        let seconds = self.micros_total.load(Ordering::Relaxed) as f64 / 1e6;
        out.push_str(
            "# HELP musubi_http_request_duration_seconds Time spent answering HTTP requests.\n",
        );
        out.push_str("# TYPE musubi_http_request_duration_seconds summary\n");
        out.push_str(&format!(
            "musubi_http_request_duration_seconds_sum {seconds}\n"
        ));
        out.push_str(&format!(
            "musubi_http_request_duration_seconds_count {total}\n"
        ));
        out
    }
}

/// Middleware that counts every response.
pub async fn track(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let metrics = request.app_data::<web::Data<Metrics>>().cloned();
    let started = std::time::Instant::now();
    let response = next.call(request).await?;
    if let Some(metrics) = metrics {
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        metrics.record(response.status().as_u16(), micros);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_class() {
        let metrics = Metrics::default();
        metrics.record(200, 10);
        metrics.record(404, 10);
        metrics.record(201, 10);
        let text = metrics.render();
        assert!(
            text.contains("musubi_http_requests_total{class=\"2xx\"} 2"),
            "{text}"
        );
        assert!(
            text.contains("musubi_http_requests_total{class=\"4xx\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("musubi_http_request_duration_seconds_count 3"),
            "{text}"
        );
    }
}
