//! One VM's instance metadata service (scripts/imds-server.py): IMDSv2 tokens, instance id,
//! region, the instance's tags read live from moto, and the instance role's credentials.
#![allow(dead_code)]

use super::{Env, Moto, REGION};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct Imds {
    child: Child,
    pub port: u16,
}

impl Imds {
    pub fn start(moto: &Moto, instance_id: &str) -> Imds {
        let endpoint = moto.endpoint();
        let args = [
            "--endpoint",
            &endpoint,
            "--instance-id",
            instance_id,
            "--region",
            REGION,
        ];
        let (child, port) = super::spawn_ready("scripts/imds-server.py", &args, 60);
        Imds { child, port }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// mint-idle as the VM's timer runs it: credentials and settings from instance
    /// metadata only (no AWS_* keys), EC2 calls to moto, idle state under `state_dir`.
    pub fn mint_idle(&self, env: &Env, state_dir: &Path) -> assert_cmd::Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin("mint-idle"));
        c.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", env.home())
            .env("AWS_ENDPOINT_URL", &env.endpoint)
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", self.endpoint())
            .env("MINT_IDLE_STATE_DIR", state_dir)
            // No dockerd unless a test serves one (never this machine's own).
            .env(
                "DOCKER_HOST",
                format!("unix://{}", state_dir.join("no-dockerd.sock").display()),
            )
            .stdin(Stdio::null());
        let mut c = assert_cmd::Command::from_std(c);
        c.timeout(Duration::from_secs(60));
        c
    }
}

impl Drop for Imds {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
