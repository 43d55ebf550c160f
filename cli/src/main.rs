//! The `musubi` binary: parse the command line and hand over to the library.

/// mimalloc (the default `mimalloc` feature): a request makes and drops many small
/// strings (reasons, JSON), which it serves faster than the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod cli;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match cli::run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            // Start-up errors (a missing variable, an unreachable database) go to stderr
            // whole, with their cause chain, so the operator knows what to fix.
            eprintln!("musubi: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
