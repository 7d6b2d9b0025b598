//! completions/ and man/ are generated from the clap definitions and checked in; this test
//! fails when they are stale. Regenerate with: MINT_BLESS=1 cargo test --test it docs::

use clap_complete::Shell;
use std::path::PathBuf;

fn generated() -> Vec<(PathBuf, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut commands = vec![
        mint::cli::umbrella_command(),
        mint::cli::proxy::command(),
        mint::cli::idle::command(),
    ];
    commands.extend(mint::cli::tool_commands());
    for mut cmd in commands {
        let name = cmd.get_name().to_string();
        for (shell, file) in [
            (Shell::Bash, format!("{name}.bash")),
            (Shell::Zsh, format!("_{name}")),
            (Shell::Fish, format!("{name}.fish")),
        ] {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, &name, &mut buf);
            files.push((root.join("completions").join(file), buf));
        }
        cmd.build();
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone()).render(&mut buf).unwrap();
        files.push((root.join("man").join(format!("{name}.1")), buf));
        // `mint`'s commands are documented on their tools' pages (`mint up` is mint-vm-up.1);
        // per-command pages for `mint` itself would collide (`mint connect` vs mint-connect).
        if name == "mint" {
            continue;
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let page = format!("{name}-{}", sub.get_name());
            files.push(man_page(&root, &page, sub));
            // Command groups (`mint admin …`) get a page per command too.
            for subsub in sub.get_subcommands().filter(|s| s.get_name() != "help") {
                let page = format!("{page}-{}", subsub.get_name());
                files.push(man_page(&root, &page, subsub));
            }
            // The operator guide, under the name an admin types (`man mint-admin`).
            if sub.get_name() == "admin" {
                files.push(man_page(&root, "mint-admin", sub));
            }
        }
    }
    files
}

fn man_page(root: &std::path::Path, page: &str, cmd: &clap::Command) -> (PathBuf, Vec<u8>) {
    let mut buf = Vec::new();
    let page: &'static str = Box::leak(page.to_string().into_boxed_str());
    clap_mangen::Man::new(cmd.clone().name(page).display_name(page))
        .render(&mut buf)
        .unwrap();
    (root.join("man").join(format!("{page}.1")), buf)
}

#[test]
fn completions_and_man_pages_are_fresh() {
    let files = generated();
    if std::env::var_os("MINT_BLESS").is_some() {
        for dir in ["completions", "man"] {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
        }
        for (path, bytes) in &files {
            std::fs::write(path, bytes).unwrap();
        }
        return;
    }
    for (path, bytes) in &files {
        let on_disk = std::fs::read(path).unwrap_or_default();
        assert!(
            &on_disk == bytes,
            "{} is stale or missing: run `MINT_BLESS=1 cargo test --test it docs::` and commit",
            path.display()
        );
    }
    for dir in ["completions", "man"] {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            assert!(
                files.iter().any(|(f, _)| *f == p),
                "{} is no longer generated: delete it",
                p.display()
            );
        }
    }
}

/// Every command and option has help text.
#[test]
fn every_command_and_option_is_described() {
    fn walk(cmd: &clap::Command, path: &str) {
        let path = format!("{path} {}", cmd.get_name());
        assert!(cmd.get_about().is_some(), "`{path}` has no help text");
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            assert!(
                arg.get_help().is_some(),
                "`{path}` option `{id}` has no help text"
            );
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &path);
        }
    }
    walk(&mint::cli::umbrella_command(), "");
    walk(&mint::cli::proxy::command(), "");
    walk(&mint::cli::idle::command(), "");
    for cmd in mint::cli::tool_commands() {
        walk(&cmd, "");
    }
}
