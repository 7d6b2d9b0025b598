//! The EC2 Instance Connect push: authorizes a public key for the ssh user for 60 seconds,
//! after an IAM check of the caller. One AWS call per connection.

use crate::aws::{Aws, AwsError, AwsResult};
use thiserror::Error;

#[derive(Debug, Error)]
pub(crate) enum PushError {
    #[error("instance {instance_id} no longer exists (was VM `{vm}` recreated or destroyed?); run `mint ssh-config --vm {vm}` to refresh the ssh config, or `mint up --vm {vm}`")]
    StaleInstance { vm: String, instance_id: String },
    #[error("VM `{vm}` is not running ({detail}); start it with `mint up --vm {vm}`")]
    NotRunning { vm: String, detail: String },
    #[error("your AWS identity may not push SSH keys to {instance_id} (ec2-instance-connect:SendSSHPublicKey): {detail}; ask your admin for PowerUser access")]
    Denied { instance_id: String, detail: String },
    #[error(transparent)]
    Aws(#[from] AwsError),
}

pub(crate) async fn push(
    aws: &Aws,
    vm: &str,
    instance_id: &str,
    user: &str,
    public_key: &str,
) -> Result<(), PushError> {
    let res = aws
        .eic()
        .send_ssh_public_key()
        .instance_id(instance_id)
        .instance_os_user(user)
        .ssh_public_key(public_key)
        .send()
        .await
        .aws("SendSSHPublicKey");
    match res {
        Ok(_) => Ok(()),
        Err(e) => {
            let detail = e.to_string();
            Err(match e.code() {
                Some("EC2InstanceNotFoundException") => PushError::StaleInstance {
                    vm: vm.into(),
                    instance_id: instance_id.into(),
                },
                Some("EC2InstanceStateInvalidException")
                | Some("EC2InstanceUnavailableException") => PushError::NotRunning {
                    vm: vm.into(),
                    detail,
                },
                Some("AccessDeniedException")
                | Some("AccessDenied")
                | Some("UnauthorizedOperation") => PushError::Denied {
                    instance_id: instance_id.into(),
                    detail,
                },
                _ => PushError::Aws(e),
            })
        }
    }
}
