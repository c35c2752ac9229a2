//! The `credence` command; everything lives in the library.

fn main() -> std::process::ExitCode {
    credence::cli::main()
}
