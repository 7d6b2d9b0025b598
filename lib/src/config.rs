//! `~/.config/mint/config.toml` (spec: Configuration): flat, snake_case keys, validated on
//! load and on write. Writes go through toml_edit so the user's comments and layout survive.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};
use thiserror::Error;
use toml_edit::{DocumentMut, Item, Value};

const DEFAULT_INSTANCE_TYPE: &str = "m6i.xlarge";
const DEFAULT_VOLUME_SIZE_GB: i64 = 50;
pub(crate) const DEFAULT_IDLE_TIMEOUT_MINUTES: i64 = 60;
const MIN_VOLUME_SIZE_GB: i64 = 50;
pub(crate) const MIN_IDLE_TIMEOUT_MINUTES: i64 = 15;
// gp3's own ceiling; asking AWS for more fails later and less clearly.
const MAX_VOLUME_SIZE_GB: i64 = 16_384;
// A week: longer belongs to `mint down`, and minutes * 60 must never overflow.
pub(crate) const MAX_IDLE_TIMEOUT_MINUTES: i64 = 7 * 24 * 60;
/// A budget past this is a typo, not a budget.
pub(crate) const MAX_BUDGET_USD: i64 = 1_000_000;

/// The configuration, as `mint config --json` prints it (`region` is null until
/// `mint init`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Config {
    pub(crate) region: Option<String>,
    pub(crate) instance_type: String,
    pub(crate) volume_size_gb: i64,
    pub(crate) idle_timeout_minutes: i64,
    pub(crate) ssh_config_approved: bool,
    /// A Claude waiting for input longer than the idle timeout, with nobody attached, no
    /// longer keeps the VM awake (default false: any Claude keeps it up, as the spec says).
    pub(crate) idle_ignores_waiting_claude: bool,
    /// Whether connecting (`mint ssh`, `connect`, VS Code's ProxyCommand…) starts a stopped VM.
    pub(crate) auto_start: AutoStart,
    /// Whole US dollars a VM may cost in a calendar month before mint-idle stops it (0: off).
    pub(crate) monthly_budget_usd: i64,
}

/// `auto_start`: whether a connection starts a stopped VM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AutoStart {
    /// Every connection, except one without a terminal within 15 minutes of a stop (an
    /// editor reconnecting must not undo auto-stop). The default: what Coder and DevPod do.
    #[default]
    Always,
    /// Only a connection from a terminal.
    Interactive,
    /// Never: `mint up` starts a VM.
    Never,
}

impl AutoStart {
    pub(crate) const ALL: [AutoStart; 3] =
        [AutoStart::Always, AutoStart::Interactive, AutoStart::Never];

    pub(crate) fn parse(s: &str) -> Option<AutoStart> {
        AutoStart::ALL.into_iter().find(|a| a.as_str() == s.trim())
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AutoStart::Always => "always",
            AutoStart::Interactive => "interactive",
            AutoStart::Never => "never",
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            region: None,
            instance_type: DEFAULT_INSTANCE_TYPE.to_string(),
            volume_size_gb: DEFAULT_VOLUME_SIZE_GB,
            idle_timeout_minutes: DEFAULT_IDLE_TIMEOUT_MINUTES,
            ssh_config_approved: false,
            idle_ignores_waiting_claude: false,
            auto_start: AutoStart::Always,
            monthly_budget_usd: 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key {
    Region,
    InstanceType,
    VolumeSizeGb,
    IdleTimeoutMinutes,
    SshConfigApproved,
    IdleIgnoresWaitingClaude,
    AutoStart,
    MonthlyBudgetUsd,
}

impl Key {
    pub(crate) const ALL: [Key; 8] = [
        Key::Region,
        Key::InstanceType,
        Key::VolumeSizeGb,
        Key::IdleTimeoutMinutes,
        Key::SshConfigApproved,
        Key::IdleIgnoresWaitingClaude,
        Key::AutoStart,
        Key::MonthlyBudgetUsd,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Key::Region => "region",
            Key::InstanceType => "instance_type",
            Key::VolumeSizeGb => "volume_size_gb",
            Key::IdleTimeoutMinutes => "idle_timeout_minutes",
            Key::SshConfigApproved => "ssh_config_approved",
            Key::IdleIgnoresWaitingClaude => "idle_ignores_waiting_claude",
            Key::AutoStart => "auto_start",
            Key::MonthlyBudgetUsd => "monthly_budget_usd",
        }
    }

    pub(crate) fn parse(name: &str) -> Result<Key, ConfigError> {
        Key::ALL
            .into_iter()
            .find(|k| k.name() == name)
            .ok_or_else(|| ConfigError::UnknownKey(name.to_string()))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn known_keys() -> String {
    Key::ALL.map(|k| k.name()).join(", ")
}

#[derive(Debug, Error)]
pub(crate) enum ConfigError {
    #[error("unknown config key `{0}` (known keys: {known})", known = known_keys())]
    UnknownKey(String),
    #[error("invalid value for {key}: {why}")]
    Invalid { key: Key, why: String },
    #[error("{path} is not valid TOML: {why}")]
    Malformed { path: PathBuf, why: String },
    #[error("{path}: {why}")]
    BadEntry { path: PathBuf, why: String },
    #[error("cannot {action} {path}: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A validated value for one key, as it is written to the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Setting {
    Text(String),
    Int(i64),
    Bool(bool),
}

/// Checks a value given as text (from `mint config set`) without any AWS call;
/// `instance_type` is additionally checked against the EC2 API by the caller.
pub(crate) fn parse_value(key: Key, raw: &str) -> Result<Setting, ConfigError> {
    let invalid = |why: String| ConfigError::Invalid { key, why };
    let int = || {
        raw.trim()
            .parse::<i64>()
            .map_err(|_| invalid(format!("`{raw}` is not a whole number")))
    };
    match key {
        Key::Region => {
            if valid_region(raw) {
                Ok(Setting::Text(raw.to_string()))
            } else {
                Err(invalid(format!(
                    "`{raw}` is not an AWS region name (like us-east-1)"
                )))
            }
        }
        Key::InstanceType => {
            let ok = raw.split_once('.').is_some_and(|(family, size)| {
                !family.is_empty()
                    && !size.is_empty()
                    && raw.chars().all(|c| {
                        c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-'
                    })
            });
            if ok {
                Ok(Setting::Text(raw.to_string()))
            } else {
                Err(invalid(format!(
                    "`{raw}` is not an EC2 instance type (like m6i.xlarge)"
                )))
            }
        }
        Key::VolumeSizeGb => {
            let n = int()?;
            if n < MIN_VOLUME_SIZE_GB {
                Err(invalid(format!(
                    "must be at least {MIN_VOLUME_SIZE_GB} (got {n})"
                )))
            } else if n > MAX_VOLUME_SIZE_GB {
                Err(invalid(format!(
                    "must be at most {MAX_VOLUME_SIZE_GB} (got {n})"
                )))
            } else {
                Ok(Setting::Int(n))
            }
        }
        Key::IdleTimeoutMinutes => {
            let n = int()?;
            if n < MIN_IDLE_TIMEOUT_MINUTES {
                Err(invalid(format!(
                    "must be at least {MIN_IDLE_TIMEOUT_MINUTES} minutes (got {n})"
                )))
            } else if n > MAX_IDLE_TIMEOUT_MINUTES {
                Err(invalid(format!(
                    "must be at most {MAX_IDLE_TIMEOUT_MINUTES} minutes, a week (got {n}); `mint down` stops a VM for longer"
                )))
            } else {
                Ok(Setting::Int(n))
            }
        }
        Key::MonthlyBudgetUsd => match raw.trim().parse::<i64>() {
            Ok(n) if (0..=MAX_BUDGET_USD).contains(&n) => Ok(Setting::Int(n)),
            Ok(n) if n < 0 => Err(invalid(format!(
                "a budget cannot be negative (got {n}); 0 turns it off"
            ))),
            Ok(n) => Err(invalid(format!(
                "must be at most {MAX_BUDGET_USD} dollars (got {n})"
            ))),
            Err(_) => Err(invalid(format!(
                "`{raw}` is not a whole number of US dollars (e.g. 150; 0 turns the budget off)"
            ))),
        },
        Key::AutoStart => AutoStart::parse(raw)
            .map(|a| Setting::Text(a.as_str().to_string()))
            .ok_or_else(|| invalid(format!("`{raw}` is not always, interactive or never"))),
        Key::SshConfigApproved | Key::IdleIgnoresWaitingClaude => match raw.trim() {
            "true" => Ok(Setting::Bool(true)),
            "false" => Ok(Setting::Bool(false)),
            _ => Err(invalid(format!("`{raw}` is not true or false"))),
        },
    }
}

fn valid_region(s: &str) -> bool {
    // e.g. us-east-1, ap-southeast-2, us-gov-west-1
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts.iter().all(|p| !p.is_empty())
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| p.chars().all(|c| c.is_ascii_lowercase()))
        && parts[parts.len() - 1].chars().all(|c| c.is_ascii_digit())
}

impl Config {
    /// Loads the file; a missing file is the defaults. Every entry is validated the same way
    /// `mint config set` validates it, so a hand-edited mistake is caught with its line.
    pub(crate) fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Io {
                    action: "read",
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Self::parse(&text, path)
    }

    pub(crate) fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let doc: DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| ConfigError::Malformed {
                    path: path.to_path_buf(),
                    why: e.to_string().trim().replace('\n', " "),
                })?;
        let mut cfg = Config::default();
        for (name, item) in doc.iter() {
            let bad = |why: String| ConfigError::BadEntry {
                path: path.to_path_buf(),
                why,
            };
            let key = Key::parse(name).map_err(|e| bad(e.to_string()))?;
            let raw = match item.as_value() {
                Some(Value::String(s))
                    if matches!(key, Key::Region | Key::InstanceType | Key::AutoStart) =>
                {
                    s.value().clone()
                }
                Some(Value::Integer(i))
                    if matches!(
                        key,
                        Key::VolumeSizeGb | Key::IdleTimeoutMinutes | Key::MonthlyBudgetUsd
                    ) =>
                {
                    i.value().to_string()
                }
                Some(Value::Boolean(b))
                    if matches!(key, Key::SshConfigApproved | Key::IdleIgnoresWaitingClaude) =>
                {
                    b.value().to_string()
                }
                _ => {
                    return Err(bad(format!(
                        "{key} has the wrong type (expected {})",
                        match key {
                            Key::Region | Key::InstanceType | Key::AutoStart => "a quoted string",
                            Key::VolumeSizeGb | Key::IdleTimeoutMinutes | Key::MonthlyBudgetUsd =>
                                "a whole number",
                            Key::SshConfigApproved | Key::IdleIgnoresWaitingClaude => {
                                "true or false"
                            }
                        }
                    )))
                }
            };
            match parse_value(key, &raw).map_err(|e| bad(e.to_string()))? {
                Setting::Text(s) if key == Key::Region => cfg.region = Some(s),
                // parse_value accepted it: it is one of the three.
                Setting::Text(s) if key == Key::AutoStart => {
                    cfg.auto_start = AutoStart::parse(&s).unwrap_or_default()
                }
                Setting::Text(s) => cfg.instance_type = s,
                Setting::Int(n) if key == Key::VolumeSizeGb => cfg.volume_size_gb = n,
                Setting::Int(n) if key == Key::MonthlyBudgetUsd => cfg.monthly_budget_usd = n,
                Setting::Int(n) => cfg.idle_timeout_minutes = n,
                Setting::Bool(b) if key == Key::SshConfigApproved => cfg.ssh_config_approved = b,
                Setting::Bool(b) => cfg.idle_ignores_waiting_claude = b,
            }
        }
        Ok(cfg)
    }

    /// Every key with its effective value, for `mint config`.
    pub(crate) fn entries(&self) -> Vec<(Key, Setting)> {
        vec![
            (
                Key::Region,
                Setting::Text(self.region.clone().unwrap_or_default()),
            ),
            (Key::InstanceType, Setting::Text(self.instance_type.clone())),
            (Key::VolumeSizeGb, Setting::Int(self.volume_size_gb)),
            (
                Key::IdleTimeoutMinutes,
                Setting::Int(self.idle_timeout_minutes),
            ),
            (
                Key::SshConfigApproved,
                Setting::Bool(self.ssh_config_approved),
            ),
            (
                Key::IdleIgnoresWaitingClaude,
                Setting::Bool(self.idle_ignores_waiting_claude),
            ),
            (
                Key::AutoStart,
                Setting::Text(self.auto_start.as_str().to_string()),
            ),
            (Key::MonthlyBudgetUsd, Setting::Int(self.monthly_budget_usd)),
        ]
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::Text(s) => f.write_str(s),
            Setting::Int(n) => write!(f, "{n}"),
            Setting::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// The config this process works with, read on first use and again only after this process
/// writes the file (`set`): the one place commands get their settings from.
static CURRENT: std::sync::Mutex<Option<Config>> = std::sync::Mutex::new(None);

pub(crate) fn current() -> anyhow::Result<Config> {
    let mut cached = CURRENT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(c) = cached.as_ref() {
        return Ok(c.clone());
    }
    let cfg = Config::load(&crate::paths::config_file()?)?;
    *cached = Some(cfg.clone());
    Ok(cfg)
}

/// Writes one key, keeping everything else in the file (comments included) as it was.
/// The file is replaced atomically so a crash never leaves half a config.
pub(crate) fn set(path: &Path, key: Key, value: &Setting) -> Result<(), ConfigError> {
    // Two Mint commands setting keys at once must not lose one of the writes.
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let _lock =
        crate::fs::lock(Path::new(&lock_path), || {}).map_err(|source| ConfigError::Io {
            action: "lock",
            path: path.to_path_buf(),
            source,
        })?;
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Io {
                action: "read",
                path: path.to_path_buf(),
                source,
            })
        }
    };
    // Refuse to rewrite a file we could not load: the user's mistake should be fixed by them.
    Config::parse(&text, path)?;
    // `current()` reads the file again after this write.
    *CURRENT.lock().unwrap_or_else(|p| p.into_inner()) = None;
    let mut doc: DocumentMut =
        text.parse()
            .map_err(|e: toml_edit::TomlError| ConfigError::Malformed {
                path: path.to_path_buf(),
                why: e.to_string(),
            })?;
    let new = match value {
        Setting::Text(s) => toml_edit::value(s.as_str()),
        Setting::Int(n) => toml_edit::value(*n),
        Setting::Bool(b) => toml_edit::value(*b),
    };
    match doc.get_mut(key.name()) {
        // Keep the comment that trails the old value on the same line.
        Some(Item::Value(old)) => {
            let decor = old.decor().clone();
            let mut v = new.into_value().expect("a value item");
            *v.decor_mut() = decor;
            *old = v;
        }
        _ => doc[key.name()] = new,
    }
    crate::fs::write_atomic(path, doc.to_string().as_bytes(), 0o644).map_err(|source| {
        ConfigError::Io {
            action: "write",
            path: path.to_path_buf(),
            source,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p() -> &'static Path {
        Path::new("config.toml")
    }

    #[test]
    fn defaults_when_empty() {
        assert_eq!(Config::parse("", p()).unwrap(), Config::default());
    }

    #[test]
    fn validates_values() {
        assert!(parse_value(Key::VolumeSizeGb, "49").is_err());
        assert_eq!(
            parse_value(Key::VolumeSizeGb, "50").unwrap(),
            Setting::Int(50)
        );
        assert!(parse_value(Key::IdleTimeoutMinutes, "14").is_err());
        assert!(parse_value(Key::IdleTimeoutMinutes, "ninety").is_err());
        assert!(parse_value(Key::IdleTimeoutMinutes, "10081").is_err());
        assert!(parse_value(Key::IdleTimeoutMinutes, "99999999999999999999").is_err());
        assert_eq!(
            parse_value(Key::IdleTimeoutMinutes, "90").unwrap(),
            Setting::Int(90)
        );
        assert!(parse_value(Key::Region, "moon-1").is_err());
        assert!(parse_value(Key::Region, "us-east-1").is_ok());
        assert!(parse_value(Key::Region, "us-gov-west-1").is_ok());
        assert!(parse_value(Key::InstanceType, "big").is_err());
        assert!(parse_value(Key::InstanceType, "m6i.xlarge").is_ok());
        assert!(parse_value(Key::SshConfigApproved, "yes").is_err());
        assert!(matches!(
            Key::parse("idle_timeout"),
            Err(ConfigError::UnknownKey(_))
        ));
    }

    #[test]
    fn load_rejects_bad_entries() {
        let e = Config::parse("volume_size_gb = 10\n", p()).unwrap_err();
        assert!(e.to_string().contains("at least 50"), "{e}");
        let e = Config::parse("colour = \"red\"\n", p()).unwrap_err();
        assert!(e.to_string().contains("unknown config key `colour`"), "{e}");
        let e = Config::parse("volume_size_gb = \"big\"\n", p()).unwrap_err();
        assert!(e.to_string().contains("wrong type"), "{e}");
        let e = Config::parse("region = \n", p()).unwrap_err();
        assert!(matches!(e, ConfigError::Malformed { .. }), "{e}");
    }

    #[test]
    fn set_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        std::fs::write(
            &path,
            "# my settings\nregion = \"us-east-1\" # home region\n\n# bigger disks\nvolume_size_gb = 80\n",
        )
        .unwrap();
        set(&path, Key::VolumeSizeGb, &Setting::Int(120)).unwrap();
        set(&path, Key::Region, &Setting::Text("eu-west-1".into())).unwrap();
        set(&path, Key::IdleTimeoutMinutes, &Setting::Int(90)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("# my settings"), "{text}");
        assert!(
            text.contains("# bigger disks\nvolume_size_gb = 120"),
            "{text}"
        );
        assert!(
            text.contains("region = \"eu-west-1\" # home region"),
            "{text}"
        );
        let cfg = Config::load(&path).unwrap();
        assert_eq!(cfg.region.as_deref(), Some("eu-west-1"));
        assert_eq!(cfg.volume_size_gb, 120);
        assert_eq!(cfg.idle_timeout_minutes, 90);
    }
}
