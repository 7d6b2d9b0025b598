fn main() -> std::process::ExitCode {
    mint::cli::project::main()
}
