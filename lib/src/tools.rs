//! Where Mint finds the programs it hands a connection to (`code`, `mosh-client`): on PATH
//! first, then where their installers put them on a Mac. A terminal on macOS has Homebrew on
//! PATH, but a program started from the Dock or Finder, or from VS Code's own terminal on a
//! fresh install, often does not: Homebrew lives in /opt/homebrew (Apple silicon) or
//! /usr/local (Intel), and VS Code's "Install 'code' command in PATH" links /usr/local/bin/code.

use std::path::{Path, PathBuf};

/// One of Mint's own tools: next to this executable (an install keeps them together), else
/// on PATH. The dispatcher's rule, repeated because `cli::dispatch` is compiled alone into
/// `mint` (no lib) and the lib does not import cli.
pub(crate) fn mint_tool(tool: &str) -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join(tool)))
        .filter(|p| p.is_file())
        .or_else(|| which::which(tool).ok())
}

/// The places, after PATH, where `name` is installed by its usual installer.
fn known_places(name: &str, home: Option<&Path>) -> Vec<PathBuf> {
    let mut v = Vec::new();
    match name {
        "mosh-client" => {
            v.push("/opt/homebrew/bin/mosh-client".into());
            v.push("/usr/local/bin/mosh-client".into());
        }
        "code" => {
            v.push("/usr/local/bin/code".into());
            let app = "Visual Studio Code.app/Contents/Resources/app/bin/code";
            v.push(Path::new("/Applications").join(app));
            if let Some(h) = home {
                v.push(h.join("Applications").join(app));
            }
        }
        _ => {}
    }
    v
}

/// `name` on `path` (a PATH value), else in its known places.
fn find_in(name: &str, path: Option<&std::ffi::OsStr>, home: Option<&Path>) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    which::which_in(name, path, cwd).ok().or_else(|| {
        known_places(name, home)
            .into_iter()
            .find(|p| is_executable(p))
    })
}

fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

pub(crate) fn find(name: &str) -> Option<PathBuf> {
    find_in(
        name,
        std::env::var_os("PATH").as_deref(),
        crate::paths::home_dir().ok().as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_first_then_where_the_installers_put_it() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin).unwrap();
        // VS Code installed in ~/Applications, `code` not on PATH.
        let app = dir
            .path()
            .join("Applications/Visual Studio Code.app/Contents/Resources/app/bin");
        std::fs::create_dir_all(&app).unwrap();
        let code = app.join("code");
        std::fs::write(&code, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(&code, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        let found = find_in("code", Some(bin.as_os_str()), Some(dir.path()));
        assert_eq!(found.as_deref(), Some(code.as_path()));
        // On PATH wins.
        let on_path = bin.join("code");
        std::fs::write(&on_path, "#!/bin/sh\n").unwrap();
        std::fs::set_permissions(
            &on_path,
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
        let found = find_in("code", Some(bin.as_os_str()), Some(dir.path()));
        assert_eq!(found.as_deref(), Some(on_path.as_path()));
        // Homebrew's two prefixes are where mosh-client is looked for after PATH.
        assert_eq!(
            known_places("mosh-client", None),
            [
                PathBuf::from("/opt/homebrew/bin/mosh-client"),
                PathBuf::from("/usr/local/bin/mosh-client")
            ]
        );
        assert_eq!(
            find_in("no-such-tool-here", Some(bin.as_os_str()), None),
            None
        );
    }
}
