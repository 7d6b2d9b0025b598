fn main() -> std::process::ExitCode {
    mint::cli::idle::main()
}
