// The dispatcher is compiled in from the library's source file rather than linked through
// the library, so this binary carries neither the AWS SDK nor clap.
#[path = "../lib/src/cli/dispatch.rs"]
mod dispatch;

fn main() {
    std::process::exit(dispatch::main(std::env::args_os().skip(1).collect()));
}
