fn main() -> std::process::ExitCode {
    mint::cli::proxy::main()
}
