//! The `sfconnect` binary: parse the command line and dispatch.

fn main() -> std::process::ExitCode {
    sfconnect::cli::main()
}
