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
    let used = (s.f_blocks - s.f_bfree) as u128;
    let avail = s.f_bavail as u128;
    if used + avail == 0 {
        return None;
    }
    Some(((used * 100).div_ceil(used + avail)) as u32)
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_is_measurable() {
        let p = super::used_percent("/").expect("statvfs /");
        assert!(p <= 100);
        assert!(super::used_percent("/no/such/dir").is_none());
    }
}
