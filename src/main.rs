//! The `sfconnect` binary: parse the command line and dispatch.

fn main() -> std::process::ExitCode {
    sfconnect::hardening::no_core_dumps();
    sfconnect::cli::main()
}
