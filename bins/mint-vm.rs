fn main() -> std::process::ExitCode {
    mint::cli::vm::main()
}
