fn main() -> std::process::ExitCode {
    mint::cli::connect::main()
}
