//! Writing into a folder a container can write too (a project's events folder, bind-mounted
//! into its container). The forwarder runs as the VM's user, so a link planted there
//! (`.answers` -> ~/.ssh, `.answer-timeout` -> ~/.bashrc) must never be followed: every step
//! goes through a file descriptor opened with O_NOFOLLOW, so a link swapped in between two
//! steps is refused rather than followed, and the final rename replaces a name, never what
//! a link there points to.

use std::ffi::CString;
use std::io::{Error, Result, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn cstr(p: &Path) -> Result<CString> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| Error::other("a NUL in a path"))
}

/// A folder, opened without following a link at its last step.
fn open_dir(at: Option<&OwnedFd>, name: &Path) -> Result<OwnedFd> {
    let c = cstr(name)?;
    // SAFETY: a valid C string and a valid (or AT_FDCWD) directory descriptor.
    let fd = unsafe {
        libc::openat(
            at.map_or(libc::AT_FDCWD, |d| d.as_raw_fd()),
            c.as_ptr(),
            libc::O_RDONLY | libc::O_DIRECTORY | libc::O_NOFOLLOW | libc::O_CLOEXEC,
        )
    };
    if fd < 0 {
        return Err(Error::last_os_error());
    }
    // SAFETY: openat just returned this descriptor, owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `dir`, then `sub` in it (made if missing), both refused if they are links.
fn open_sub(dir: &Path, sub: Option<&str>) -> Result<OwnedFd> {
    let d = open_dir(None, dir)?;
    let Some(sub) = sub else { return Ok(d) };
    let c = cstr(Path::new(sub))?;
    // SAFETY: as above.
    if unsafe { libc::mkdirat(d.as_raw_fd(), c.as_ptr(), 0o755) } != 0 {
        let e = Error::last_os_error();
        if e.raw_os_error() != Some(libc::EEXIST) {
            return Err(e);
        }
    }
    open_dir(Some(&d), Path::new(sub))
}

/// Replaces `name` in `dir`/`sub` with `bytes` (mode 0644): a new file (O_EXCL, O_NOFOLLOW)
/// renamed over the name.
pub(crate) fn write(dir: &Path, sub: Option<&str>, name: &str, bytes: &[u8]) -> Result<()> {
    let d = open_sub(dir, sub)?;
    let tmp = format!(".{name}.{}.tmp", std::process::id());
    let (ct, cn) = (cstr(Path::new(&tmp))?, cstr(Path::new(name))?);
    // SAFETY: as above.
    let fd = unsafe {
        libc::openat(
            d.as_raw_fd(),
            ct.as_ptr(),
            libc::O_WRONLY | libc::O_CREAT | libc::O_EXCL | libc::O_NOFOLLOW | libc::O_CLOEXEC,
            0o644,
        )
    };
    if fd < 0 {
        let e = Error::last_os_error();
        // A temp name left by a killed run of this same process id: gone, then again.
        if e.raw_os_error() == Some(libc::EEXIST) {
            // SAFETY: as above.
            unsafe { libc::unlinkat(d.as_raw_fd(), ct.as_ptr(), 0) };
            return write(dir, sub, name, bytes);
        }
        return Err(e);
    }
    // SAFETY: openat just returned it.
    let mut f = std::fs::File::from(unsafe { OwnedFd::from_raw_fd(fd) });
    let written = f
        .write_all(bytes)
        .and_then(|()| {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(std::fs::Permissions::from_mode(0o644))
        })
        .and_then(|()| f.sync_all());
    // SAFETY: as above.
    let renamed = written.and_then(|()| {
        if unsafe { libc::renameat(d.as_raw_fd(), ct.as_ptr(), d.as_raw_fd(), cn.as_ptr()) } != 0 {
            Err(Error::last_os_error())
        } else {
            Ok(())
        }
    });
    if renamed.is_err() {
        // SAFETY: as above.
        unsafe { libc::unlinkat(d.as_raw_fd(), ct.as_ptr(), 0) };
    }
    renamed
}

/// The file's content, if `name` in `dir` is a plain file (a link is not read).
pub(crate) fn read(dir: &Path, name: &str) -> Option<String> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(dir.join(name))
        .ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    use std::io::Read;
    let mut s = String::new();
    (&mut f).take(64).read_to_string(&mut s).ok()?;
    Some(s)
}

/// Removes the entries of `dir`/`sub` last changed more than `age_secs` before `now`, never
/// reaching through a link (neither `sub` nor an entry is followed).
pub(crate) fn sweep(dir: &Path, sub: &str, now: i64, age_secs: i64) {
    let Ok(d) = open_dir(
        Some(&match open_dir(None, dir) {
            Ok(d) => d,
            Err(_) => return,
        }),
        Path::new(sub),
    ) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(format!("/proc/self/fd/{}", d.as_raw_fd())) else {
        return;
    };
    for e in entries.flatten() {
        let Ok(c) = CString::new(e.file_name().as_bytes()) else {
            continue;
        };
        // SAFETY: a zeroed stat for fstatat to fill.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: valid descriptor, C string and out pointer.
        let ok = unsafe {
            libc::fstatat(
                d.as_raw_fd(),
                c.as_ptr(),
                &mut st,
                libc::AT_SYMLINK_NOFOLLOW,
            )
        } == 0;
        if ok && now - st.st_mtime > age_secs && (st.st_mode & libc::S_IFMT) != libc::S_IFDIR {
            // SAFETY: as above.
            unsafe { libc::unlinkat(d.as_raw_fd(), c.as_ptr(), 0) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_planted_by_a_container_are_never_followed() {
        let root = tempfile::tempdir().unwrap();
        let project = root.path().join("api");
        let victim = root.path().join("home");
        std::fs::create_dir_all(&project).unwrap();
        std::fs::create_dir_all(&victim).unwrap();
        std::fs::write(victim.join("authorized_keys"), "ssh-ed25519 AAAA me").unwrap();
        std::fs::write(victim.join("1-1.json"), "keep").unwrap();

        // A link in the name's place is replaced, not written through.
        std::os::unix::fs::symlink(
            victim.join("authorized_keys"),
            project.join(".answer-timeout"),
        )
        .unwrap();
        write(&project, None, ".answer-timeout", b"120").unwrap();
        assert_eq!(
            std::fs::read_to_string(victim.join("authorized_keys")).unwrap(),
            "ssh-ed25519 AAAA me"
        );
        assert_eq!(read(&project, ".answer-timeout").as_deref(), Some("120"));

        // A linked folder is refused, and sweeping it removes nothing.
        std::os::unix::fs::symlink(&victim, project.join(".answers")).unwrap();
        assert!(write(&project, Some(".answers"), "1-1.json", b"{}").is_err());
        sweep(&project, ".answers", i64::MAX / 2, 0);
        assert_eq!(
            std::fs::read_to_string(victim.join("1-1.json")).unwrap(),
            "keep"
        );
        assert!(victim.join("authorized_keys").exists());

        // A real one works; old entries go.
        std::fs::remove_file(project.join(".answers")).unwrap();
        write(&project, Some(".answers"), "2-2.json", b"{}").unwrap();
        assert_eq!(
            std::fs::read_to_string(project.join(".answers/2-2.json")).unwrap(),
            "{}"
        );
        sweep(&project, ".answers", i64::MAX / 2, 0);
        assert!(!project.join(".answers/2-2.json").exists());
    }
}
