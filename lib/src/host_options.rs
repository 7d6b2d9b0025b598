//! The devcontainer options that reach past the container to the VM host (and from there
//! the instance role): `initializeCommand` (runs on the host), `privileged`, host network,
//! PID, IPC, UTS or user namespaces, devices, the Docker socket or the host's root mounted,
//! and capabilities beyond what Mint allows. Read from the configuration as the devcontainer
//! CLI reads it (`read-configuration`: JSON with comments, `extends`, features merged), so a
//! feature's or an extended file's options count too. `project add`/`rebuild` refuse them
//! unless the project is trusted (`--trust-host`).

use serde_json::Value;

/// Capabilities the official devcontainer features add for debuggers (Go, Rust, C++): they do
/// not reach the host.
const ALLOWED_CAPS: &[&str] = &["SYS_PTRACE"];

/// One host-reaching option, and the word that finds its line in devcontainer.json.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Finding {
    pub(crate) what: String,
    pub(crate) keyword: &'static str,
}

fn finding(what: impl Into<String>, keyword: &'static str) -> Finding {
    Finding {
        what: what.into(),
        keyword,
    }
}

/// The host-reaching options in `read-configuration`'s output (its `configuration` and
/// `mergedConfiguration`), each once.
pub(crate) fn findings(read: &Value) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for key in ["configuration", "mergedConfiguration"] {
        if let Some(c) = read.get(key) {
            for f in of_config(c) {
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
    out
}

fn of_config(c: &Value) -> Vec<Finding> {
    let mut out = Vec::new();
    if c.get("initializeCommand").is_some_and(|v| !v.is_null()) {
        out.push(finding(
            "initializeCommand (runs on the VM host, not in the container)",
            "initializeCommand",
        ));
    }
    if c.get("privileged").and_then(Value::as_bool) == Some(true) {
        out.push(finding("privileged: true", "privileged"));
    }
    for cap in strings(c.get("capAdd")) {
        if !ALLOWED_CAPS.contains(&cap.to_uppercase().trim_start_matches("CAP_")) {
            out.push(finding(format!("capAdd {cap}"), "capAdd"));
        }
    }
    let args = strings(c.get("runArgs"));
    for (i, a) in args.iter().enumerate() {
        let next = args.get(i + 1).map(String::as_str).unwrap_or("");
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) => (f, v),
            None => (a.as_str(), next),
        };
        let reaching = match flag {
            "--privileged" => Some("--privileged".to_string()),
            "--network" | "--net" if value == "host" => Some(format!("{flag}=host")),
            "--pid" | "--ipc" | "--uts" | "--userns" | "--cgroupns" if value == "host" => {
                Some(format!("{flag}=host"))
            }
            "--cap-add" if !ALLOWED_CAPS.contains(&value.to_uppercase().as_str()) => {
                Some(format!("--cap-add {value}"))
            }
            "--device" => Some(format!("--device {value}")),
            "-v" | "--volume" | "--mount" if host_path(value) => Some(format!("{flag} {value}")),
            _ => None,
        };
        if let Some(what) = reaching {
            out.push(finding(format!("runArgs {what}"), "runArgs"));
        }
    }
    for m in c
        .get("mounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let spec = match m {
            Value::String(s) => s.clone(),
            other => other
                .get("source")
                .and_then(Value::as_str)
                .map(|s| format!("source={s}"))
                .unwrap_or_default(),
        };
        if host_path(&spec) {
            out.push(finding(format!("mounts {spec}"), "mounts"));
        }
    }
    out
}

/// A mount or volume naming the Docker socket, or the host's root.
fn host_path(spec: &str) -> bool {
    if spec.contains("docker.sock") {
        return true;
    }
    let source = spec
        .split(',')
        .find_map(|p| p.strip_prefix("source=").or_else(|| p.strip_prefix("src=")))
        .or_else(|| spec.split(':').next().filter(|_| !spec.contains('=')));
    source == Some("/")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Each finding with the line of devcontainer.json it came from (`sources`: `line:text` as
/// the VM's grep gave them), or where else it came from.
pub(crate) fn describe(findings: &[Finding], sources: &[String]) -> Vec<String> {
    findings
        .iter()
        .map(|f| {
            match sources
                .iter()
                .find(|s| s.contains(f.keyword))
                .and_then(|s| s.split_once(':'))
            {
                Some((line, text)) => format!(
                    "{} (devcontainer.json line {line}: {})",
                    f.what,
                    text.trim()
                ),
                None => format!("{} (from a feature or an extended file)", f.what),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn each_host_reaching_option_is_found_once() {
        let c = json!({
            "image": "debian",
            "initializeCommand": "curl x | sh",
            "privileged": true,
            "capAdd": ["SYS_PTRACE", "SYS_ADMIN"],
            "runArgs": ["--network=host", "--pid", "host", "--cap-add=NET_ADMIN", "--init",
                        "-v", "/var/run/docker.sock:/var/run/docker.sock", "--ipc=private"],
            "mounts": ["source=/,target=/host,type=bind",
                       {"source": "/var/run/docker.sock", "target": "/var/run/docker-host.sock", "type": "bind"},
                       "source=cache,target=/cache,type=volume"]
        });
        let read = json!({"configuration": c, "mergedConfiguration": c});
        let found: Vec<String> = findings(&read).into_iter().map(|f| f.what).collect();
        assert_eq!(
            found,
            [
                "initializeCommand (runs on the VM host, not in the container)",
                "privileged: true",
                "capAdd SYS_ADMIN",
                "runArgs --network=host",
                "runArgs --pid=host",
                "runArgs --cap-add NET_ADMIN",
                "runArgs -v /var/run/docker.sock:/var/run/docker.sock",
                "mounts source=/,target=/host,type=bind",
                "mounts source=/var/run/docker.sock",
            ]
        );
        let plain = json!({"configuration": {"image": "debian", "capAdd": ["SYS_PTRACE"],
                            "runArgs": ["--init"], "mounts": ["source=x,target=/x,type=volume"]}});
        assert!(findings(&plain).is_empty());
    }

    #[test]
    fn each_is_named_with_its_line() {
        let f = vec![
            finding("privileged: true", "privileged"),
            finding("mounts source=/var/run/docker.sock", "mounts"),
        ];
        let said = describe(&f, &["3:  \"privileged\": true,".into()]);
        assert_eq!(
            said,
            [
                "privileged: true (devcontainer.json line 3: \"privileged\": true,)",
                "mounts source=/var/run/docker.sock (from a feature or an extended file)"
            ]
        );
    }
}
