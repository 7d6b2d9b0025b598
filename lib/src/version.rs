//! `mint version`: this build, the version of each tool the dispatcher would run, the pins
//! a new VM gets and the release source. Its own module because it reads both the release
//! side and the bootstrap's pins, which otherwise do not know each other.

use crate::release::{Source, COMMIT, RELEASES_ENV, TOOLS, VERSION};
use serde::Serialize;

/// One tool as installed: where it was found and what its `--version` says.
#[derive(Debug, Serialize)]
pub(crate) struct ToolVersion {
    pub(crate) tool: String,
    pub(crate) path: Option<String>,
    pub(crate) version: Option<String>,
}

/// What `mint version` shows.
#[derive(Debug, Serialize)]
pub(crate) struct Installed {
    pub(crate) version: String,
    pub(crate) commit: String,
    pub(crate) tools: Vec<ToolVersion>,
    /// Where a new VM's mint-idle comes from.
    pub(crate) idle_pin: String,
    /// Where a new VM's amazon-efs-utils package comes from.
    pub(crate) efs_utils_pin: String,
    pub(crate) releases: String,
}

/// Every tool's version, asked of the binary the dispatcher would run (next to this one,
/// else on PATH). Nothing here touches the network.
pub(crate) fn installed() -> Installed {
    let me = std::env::current_exe().ok();
    let tools = TOOLS
        .iter()
        .map(|tool| {
            let path = crate::tools::mint_tool(tool);
            let version = match &path {
                // Not run again: this process is that tool.
                Some(p) if Some(p) == me.as_ref() => Some(VERSION.to_string()),
                Some(p) => std::process::Command::new(p)
                    .arg("--version")
                    .output()
                    .ok()
                    .filter(|o| o.status.success())
                    .and_then(|o| {
                        String::from_utf8_lossy(&o.stdout)
                            .split_whitespace()
                            .nth(1)
                            .map(str::to_string)
                    }),
                None => None,
            };
            ToolVersion {
                tool: tool.to_string(),
                path: path.map(|p| p.display().to_string()),
                version,
            }
        })
        .collect();
    Installed {
        version: VERSION.to_string(),
        commit: COMMIT.to_string(),
        tools,
        idle_pin: crate::bootstrap::MINT_IDLE.describe(),
        efs_utils_pin: crate::bootstrap::EFS_UTILS.describe(),
        releases: match Source::configured() {
            Ok(s) if s.overridden => format!("{} ({RELEASES_ENV})", s.base),
            Ok(s) => s.base,
            Err(e) => e.to_string(),
        },
    }
}
