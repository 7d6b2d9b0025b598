//! Root volume use (spec: Observability, the 80% journald warning).

use std::ffi::CString;

pub(crate) const WARN_PERCENT: u32 = 80;

/// Percent of the root file system in use, as `df` counts it (blocks reserved for root
/// count as unavailable).
pub(crate) fn used_percent(path: &str) -> Option<u32> {
    let c = CString::new(path).ok()?;
    // SAFETY: statvfs only writes into the zeroed struct we pass.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    #[allow(clippy::unnecessary_cast)] // the field types differ between platforms
    percent(s.f_blocks as u64, s.f_bfree as u64, s.f_bavail as u64)
}

/// df's Use%: used over what non-root users can use, rounded up.
fn percent(blocks: u64, free: u64, avail: u64) -> Option<u32> {
    let used = u128::from(blocks.saturating_sub(free));
    let avail = u128::from(avail);
    if used + avail == 0 {
        return None;
    }
    Some(((used * 100).div_ceil(used + avail)) as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn percent_is_dfs_use_percent() {
        // 70 used of 100, 10 reserved for root: 70 / (70 + 20) = 77.8%, rounded up.
        assert_eq!(super::percent(100, 30, 20), Some(78));
        assert_eq!(super::percent(100, 100, 95), Some(0));
        // Full for users although root still has its reserve.
        assert_eq!(super::percent(100, 5, 0), Some(100));
        assert_eq!(super::percent(0, 0, 0), None);
    }

    #[test]
    fn root_reads_as_df_reads_it() {
        let p = super::used_percent("/").expect("statvfs /");
        let df = std::process::Command::new("df")
            .args(["--output=pcent", "/"])
            .output()
            .expect("df");
        let text = String::from_utf8_lossy(&df.stdout);
        let df: u32 = text
            .lines()
            .nth(1)
            .and_then(|l| l.trim().trim_end_matches('%').parse().ok())
            .unwrap_or_else(|| panic!("df said {text}"));
        // The two reads are a moment apart on a live file system.
        assert!(p.abs_diff(df) <= 1, "statvfs {p}%, df {df}%");
        assert!(super::used_percent("/no/such/dir").is_none());
    }
}
