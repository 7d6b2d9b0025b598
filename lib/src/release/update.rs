//! `mint update`: find a release for this platform, download its archive, check the archive
//! against its published SHA256, then replace all six binaries at once. Every new file is
//! staged beside its target first; the renames come last, and a failure part-way renames
//! the old files back, so an install is never a mix of two versions.

use super::{archive_name, this_target, Http, Release, ReleaseError, Source, TOOLS};
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum UpdateError {
    #[error(
        "Mint in {dir} was installed by a package manager; update it with that instead ({hint})"
    )]
    PackageManaged { dir: String, hint: String },
    #[error("cannot write to {dir} ({why}); run `sudo {exe} update`, or reinstall Mint somewhere you own")]
    NotWritable {
        dir: String,
        exe: String,
        why: String,
    },
    #[error("the archive {archive} has no {name}; nothing was changed")]
    MissingBinary { archive: String, name: String },
    #[error("cannot read the archive {archive}: {why}; nothing was changed")]
    BadArchive { archive: String, why: String },
    #[error("cannot stage the new {tool} in {dir}: {why}; nothing was changed")]
    Stage {
        tool: String,
        dir: String,
        why: String,
    },
    #[error(
        "replacing {tool} failed ({why}); the old binaries were put back, nothing was changed"
    )]
    RolledBack { tool: String, why: String },
    #[error("replacing {tool} failed ({why}), and putting back the old {stuck} failed too ({undo}): the old {stuck} is at {backup}; reinstall Mint")]
    Broken {
        tool: String,
        why: String,
        stuck: String,
        undo: String,
        backup: String,
    },
}

/// A release to install and where.
pub(crate) struct Found {
    pub(crate) current: semver::Version,
    pub(crate) release: Release,
    pub(crate) archive: String,
    pub(crate) source: Source,
}

impl Found {
    pub(crate) fn is_newer(&self) -> bool {
        self.release.version > self.current
    }
}

/// The latest release, or the one named.
pub(crate) async fn find(version: Option<&str>) -> anyhow::Result<Found> {
    use anyhow::Context;
    let archive = archive_name(this_target()?);
    let source = Source::configured()?;
    let http = Http::new(Duration::from_secs(30))?;
    let release = match version {
        Some(v) => {
            let v = semver::Version::parse(v.trim_start_matches('v'))
                .with_context(|| format!("`{v}` is not a version (like 1.2.3)"))?;
            source.release(&http, &v).await?
        }
        None => source.latest(&http).await?,
    };
    Ok(Found {
        current: super::current(),
        release,
        archive,
        source,
    })
}

/// The directory the running tools live in, if Mint may replace files there.
pub(crate) fn install_dir() -> Result<PathBuf, UpdateError> {
    let exe = std::env::current_exe().map_err(|e| UpdateError::NotWritable {
        dir: "(unknown)".into(),
        exe: "mint".into(),
        why: e.to_string(),
    })?;
    let dir = exe.parent().unwrap_or(Path::new("/")).to_path_buf();
    let shown = dir.display().to_string();
    if let Some(hint) = package_manager(&dir) {
        return Err(UpdateError::PackageManaged { dir: shown, hint });
    }
    // The staging files go here, so this is the real test of writability.
    tempfile::Builder::new()
        .prefix(".mint-update-check.")
        .tempfile_in(&dir)
        .map_err(|e| UpdateError::NotWritable {
            dir: shown.clone(),
            exe: dir.join("mint").display().to_string(),
            why: e.to_string(),
        })?;
    Ok(dir)
}

/// Directories only a package manager should change.
fn package_manager(dir: &Path) -> Option<String> {
    let d = dir.to_string_lossy();
    if d.contains("/Cellar/") || d.starts_with("/opt/homebrew/") {
        Some("`brew upgrade`".into())
    } else if d.starts_with("/nix/store/") {
        Some("nix".into())
    } else if ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].contains(&d.as_ref()) {
        Some("your system's package manager, e.g. `apt upgrade`".into())
    } else {
        None
    }
}

/// Downloads the archive, checks it against the release's SHA256 file, and unpacks the six
/// binaries (in memory: nothing is written until all of them are here and verified).
pub(crate) async fn download(found: &Found) -> anyhow::Result<Vec<(&'static str, Vec<u8>)>> {
    let http = Http::new(Duration::from_secs(600))?;
    let (url, expected) = found.release.published_sum(&http, &found.archive).await?;
    let bytes = http.get(&url).await?.ok_or_else(|| ReleaseError::Status {
        url: url.clone(),
        status: 404,
    })?;
    let actual = crate::release::sha256_hex(&bytes);
    if actual != expected {
        return Err(ReleaseError::Mismatch {
            name: found.archive.clone(),
            expected,
            actual,
        }
        .into());
    }
    Ok(unpack(&found.archive, &bytes)?)
}

/// The six binaries from a dist archive (they sit under one top directory; matched by name).
fn unpack(archive: &str, bytes: &[u8]) -> Result<Vec<(&'static str, Vec<u8>)>, UpdateError> {
    let bad = |e: std::io::Error| UpdateError::BadArchive {
        archive: archive.to_string(),
        why: e.to_string(),
    };
    let mut found: Vec<(&'static str, Vec<u8>)> = Vec::new();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    for entry in tar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().map_err(bad)?.into_owned();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if let Some(tool) = TOOLS.iter().find(|t| **t == name) {
            let mut data = Vec::new();
            entry.read_to_end(&mut data).map_err(bad)?;
            found.retain(|(t, _)| t != tool);
            found.push((tool, data));
        }
    }
    let mut ordered = Vec::new();
    for tool in TOOLS {
        let i = found.iter().position(|(t, _)| *t == tool).ok_or_else(|| {
            UpdateError::MissingBinary {
                archive: archive.to_string(),
                name: tool.to_string(),
            }
        })?;
        ordered.push(found.swap_remove(i));
    }
    Ok(ordered)
}

/// Stages every file beside its target, then renames them in; on a failure, the ones
/// already renamed get their old file back.
pub(crate) fn replace(dir: &Path, files: Vec<(&'static str, Vec<u8>)>) -> Result<(), UpdateError> {
    let shown = dir.display().to_string();
    let mut staged = Vec::new();
    for (tool, data) in files {
        let stage = || -> std::io::Result<tempfile::NamedTempFile> {
            let mut f = tempfile::Builder::new()
                .prefix(&format!(".{tool}."))
                .suffix(".new")
                .tempfile_in(dir)?;
            f.write_all(&data)?;
            f.as_file()
                .set_permissions(std::fs::Permissions::from_mode(0o755))?;
            f.as_file().sync_all()?;
            Ok(f)
        };
        let f = stage().map_err(|e| UpdateError::Stage {
            tool: tool.to_string(),
            dir: shown.clone(),
            why: e.to_string(),
        })?;
        staged.push((tool, f));
    }

    // (target, backup of the old file if there was one)
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (tool, file) in staged.drain(..) {
        let target = dir.join(tool);
        match swap(dir, tool, &target, file) {
            Ok(backup) => done.push((target, backup)),
            Err(e) => return Err(undo(tool, e, done)),
        }
    }
    for (_, backup) in done {
        if let Some(b) = backup {
            let _ = std::fs::remove_file(b);
        }
    }
    Ok(())
}

/// Keeps the old file under a second name (a hard link: the old bytes stay put), then
/// renames the new one over it.
fn swap(
    dir: &Path,
    tool: &str,
    target: &Path,
    file: tempfile::NamedTempFile,
) -> std::io::Result<Option<PathBuf>> {
    let backup = if target.exists() {
        let b = dir.join(format!(".{tool}.mint-old"));
        let _ = std::fs::remove_file(&b);
        std::fs::hard_link(target, &b)?;
        Some(b)
    } else {
        None
    };
    if let Err(e) = file.persist(target) {
        if let Some(b) = &backup {
            let _ = std::fs::remove_file(b);
        }
        return Err(e.error);
    }
    Ok(backup)
}

fn undo(tool: &str, cause: std::io::Error, done: Vec<(PathBuf, Option<PathBuf>)>) -> UpdateError {
    for (target, backup) in done.into_iter().rev() {
        let restored = match &backup {
            Some(b) => std::fs::rename(b, &target),
            None => std::fs::remove_file(&target),
        };
        if let Err(e) = restored {
            return UpdateError::Broken {
                tool: tool.to_string(),
                why: cause.to_string(),
                stuck: target.display().to_string(),
                undo: e.to_string(),
                backup: backup
                    .map(|b| b.display().to_string())
                    .unwrap_or_else(|| "(none: it was new)".into()),
            };
        }
    }
    UpdateError::RolledBack {
        tool: tool.to_string(),
        why: cause.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(flate2::write::GzEncoder::new(
            Vec::new(),
            flate2::Compression::fast(),
        ));
        for (path, data) in entries {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o755);
            h.set_cksum();
            b.append_data(&mut h, path, *data).unwrap();
        }
        b.into_inner().unwrap().finish().unwrap()
    }

    #[test]
    fn unpacks_the_six_from_under_the_top_directory() {
        let mut entries: Vec<(String, Vec<u8>)> = TOOLS
            .iter()
            .map(|t| (format!("mint-cli-x/{t}"), t.as_bytes().to_vec()))
            .collect();
        entries.push(("mint-cli-x/README.md".into(), b"readme".to_vec()));
        let refs: Vec<(&str, &[u8])> = entries
            .iter()
            .map(|(p, d)| (p.as_str(), d.as_slice()))
            .collect();
        let got = unpack("a.tar.gz", &archive(&refs)).unwrap();
        assert_eq!(got.iter().map(|(t, _)| *t).collect::<Vec<_>>(), TOOLS);
        assert!(got.iter().all(|(t, d)| d == t.as_bytes()));

        let err = unpack("a.tar.gz", &archive(&refs[1..])).unwrap_err();
        assert!(matches!(err, UpdateError::MissingBinary { ref name, .. } if name == "mint"));
        assert!(matches!(
            unpack("a.tar.gz", b"not gzip"),
            Err(UpdateError::BadArchive { .. })
        ));
    }

    #[test]
    fn replaces_all_and_leaves_no_stray_files() {
        let dir = tempfile::tempdir().unwrap();
        for t in &TOOLS[..5] {
            std::fs::write(dir.path().join(t), b"old").unwrap();
        }
        let files = TOOLS.iter().map(|t| (*t, b"new".to_vec())).collect();
        replace(dir.path(), files).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let mut want: Vec<String> = TOOLS.iter().map(|t| t.to_string()).collect();
        want.sort();
        assert_eq!(names, want);
        for t in TOOLS {
            assert_eq!(std::fs::read(dir.path().join(t)).unwrap(), b"new");
        }
    }

    #[test]
    fn a_failed_rename_puts_the_old_files_back() {
        let dir = tempfile::tempdir().unwrap();
        for t in TOOLS {
            std::fs::write(dir.path().join(t), format!("old {t}")).unwrap();
        }
        // A directory where mint-project's backup goes makes its swap fail after three renames.
        std::fs::create_dir(dir.path().join(".mint-project.mint-old")).unwrap();
        std::fs::write(dir.path().join(".mint-project.mint-old/x"), b"").unwrap();
        let files = TOOLS.iter().map(|t| (*t, b"new".to_vec())).collect();
        let err = replace(dir.path(), files).unwrap_err();
        assert!(
            matches!(err, UpdateError::RolledBack { ref tool, .. } if tool == "mint-project"),
            "{err}"
        );
        for t in TOOLS {
            assert_eq!(
                std::fs::read(dir.path().join(t)).unwrap(),
                format!("old {t}").as_bytes()
            );
        }
        let strays = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".new"))
            .count();
        assert_eq!(strays, 0);
    }

    #[test]
    fn package_managed_directories_are_refused() {
        assert!(package_manager(Path::new("/opt/homebrew/Cellar/mint/0.1.0/bin")).is_some());
        assert!(package_manager(Path::new("/usr/bin")).is_some());
        assert!(package_manager(Path::new("/root/.cargo/bin")).is_none());
        assert!(package_manager(Path::new("/usr/local/bin")).is_none());
    }
}
