//! `mint-idle egress …`: the VM side of project allowlists. `serve` is the mint-egress unit;
//! `apply` and `up` run as root (the unit, and project.sh through sudo before a confined
//! container starts); the policy commands run as the VM's user, over ssh from `mint project`,
//! and print one JSON object.

use crate::egress::{self, blocked, policy, resolver, rules};
use anyhow::{Context, Result};
use clap::Subcommand;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub(crate) struct Dirs {
    /// The projects' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]
    #[arg(long, value_name = "DIR")]
    policies: Option<PathBuf>,
}

impl Dirs {
    fn get(&self) -> PathBuf {
        self.policies.clone().unwrap_or_else(policy::default_dir)
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum EgressAction {
    /// Load the rules and answer confined projects' DNS (the mint-egress unit runs this)
    Serve {
        #[command(flatten)]
        dirs: Dirs,
        /// Where blocked names are recorded
        #[arg(long, value_name = "DIR", default_value = blocked::STATE_DIR)]
        state: PathBuf,
        /// Where to answer (the rules redirect confined DNS to this port)
        #[arg(long, value_name = "ADDR:PORT", default_value = "0.0.0.0:15353")]
        listen: SocketAddr,
        /// The resolver allowed names are asked of [default: the first nameserver in /etc/resolv.conf]
        #[arg(long, value_name = "ADDR:PORT")]
        upstream: Option<SocketAddr>,
        /// The shortest time an answered address stays admitted, in seconds
        #[arg(long, value_name = "SECONDS", default_value_t = 30)]
        min_ttl: u32,
    },
    /// Load the rules for every confined project (the mint-egress unit runs this before Docker starts)
    Apply {
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Make a confined project ready to start (rules, its Docker network, the resolver); prints the network and its gateway
    Up {
        /// The project
        project: String,
        #[command(flatten)]
        dirs: Dirs,
        /// The resolver to check
        #[arg(long, value_name = "ADDR:PORT", default_value_t = egress::local_resolver())]
        resolver: SocketAddr,
    },
    /// Set a project's egress: allowlist or open
    Mode {
        /// The project
        project: String,
        /// allowlist or open
        #[arg(value_enum)]
        mode: policy::Mode,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Add domains or presets to a project's allowlist
    Allow {
        /// The project
        project: String,
        /// Domains (each also admits its subdomains) or presets
        #[arg(required = true, value_name = "DOMAIN|PRESET")]
        entries: Vec<String>,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Remove domains or presets from a project's allowlist
    Deny {
        /// The project
        project: String,
        /// Domains (each also admits its subdomains) or presets
        #[arg(required = true, value_name = "DOMAIN|PRESET")]
        entries: Vec<String>,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Print a project's egress policy
    Show {
        /// The project
        project: String,
        #[command(flatten)]
        dirs: Dirs,
    },
    /// Print what a confined project was refused
    Blocked {
        /// The project
        project: String,
        /// Where the resolver records blocked names
        #[arg(long, value_name = "DIR", default_value = blocked::STATE_DIR)]
        state: PathBuf,
    },
}

pub(crate) async fn run(action: EgressAction) -> Result<()> {
    match action {
        EgressAction::Serve {
            dirs,
            state,
            listen,
            upstream,
            min_ttl,
        } => {
            let upstream = match upstream {
                Some(u) => u,
                None => system_resolver()?,
            };
            let log: resolver::Log = std::sync::Arc::new(|m: &str| println!("{m}"));
            let cfg = resolver::Config {
                listen,
                upstream,
                policies: dirs.get(),
                state,
                min_ttl,
            };
            resolver::serve(cfg, log).await
        }
        EgressAction::Apply { dirs } => {
            let applied = rules::apply(&dirs.get())?;
            for w in &applied.warnings {
                eprintln!("mint-idle: {w}");
            }
            let confined = match applied.confined.as_slice() {
                [] => "none".to_string(),
                c => c.join(" "),
            };
            println!("egress rules loaded; confined: {confined}");
            Ok(())
        }
        EgressAction::Up {
            project,
            dirs,
            resolver,
        } => {
            crate::project::validate_name(&project)?;
            let (network, gateway) = egress::up(&dirs.get(), &project, resolver)?;
            println!("{network} {gateway}");
            Ok(())
        }
        EgressAction::Mode {
            project,
            mode,
            dirs,
        } => {
            crate::project::validate_name(&project)?;
            print(&egress::set_mode(&dirs.get(), &project, mode)?)
        }
        EgressAction::Allow {
            project,
            entries,
            dirs,
        } => {
            crate::project::validate_name(&project)?;
            print(&egress::edit(&dirs.get(), &project, &entries, false)?)
        }
        EgressAction::Deny {
            project,
            entries,
            dirs,
        } => {
            crate::project::validate_name(&project)?;
            print(&egress::edit(&dirs.get(), &project, &entries, true)?)
        }
        EgressAction::Show { project, dirs } => {
            crate::project::validate_name(&project)?;
            let p = policy::load(&dirs.get(), &project)?;
            print(&egress::shown(&project, &p, Vec::new()))
        }
        EgressAction::Blocked { project, state } => {
            crate::project::validate_name(&project)?;
            print(&blocked::load(&state, &project)?)
        }
    }
}

fn print<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string(v)?);
    Ok(())
}

/// The host's own resolver, which confined projects' allowed names are asked of.
fn system_resolver() -> Result<SocketAddr> {
    let conf =
        std::fs::read_to_string("/etc/resolv.conf").context("cannot read /etc/resolv.conf")?;
    conf.lines()
        .filter_map(|l| l.trim().strip_prefix("nameserver"))
        .filter_map(|a| a.trim().parse::<std::net::IpAddr>().ok())
        .map(|ip| SocketAddr::new(ip, 53))
        .next()
        .context("/etc/resolv.conf names no nameserver; pass --upstream ADDR:PORT")
}
