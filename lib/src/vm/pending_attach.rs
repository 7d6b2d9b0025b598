//! The `mint:pending-attach` tag a recreate leaves on the project volume, and retiring the
//! instance it names: what `mint recreate` starts and `mint up` finishes after a kill.
//!
//! The tag's value names the instance being replaced and its type
//! (`instance=i-… type=m6i.xlarge`), so a re-run of `recreate` or of `up` after a kill tells the
//! old instance from its successor and launches the successor with the VM's type.

use super::{down, wait, Ctx};
use crate::aws::AwsResult;
use crate::tags;
use crate::ui;
use anyhow::{Context, Result};
use aws_sdk_ec2::types::{Instance, InstanceStateName, Volume, VolumeState};

/// What `mint:pending-attach` on a project volume says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pending {
    /// The instance the recreate replaces (absent in a bare, older tag).
    pub(crate) old_instance: Option<String>,
    /// The type the new instance gets.
    pub(crate) instance_type: Option<String>,
}

impl Pending {
    pub(crate) fn of(vol: &Volume) -> Option<Pending> {
        let value = tags::get(vol.tags(), tags::PENDING_ATTACH)?;
        let field = |key: &str| {
            value
                .split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        Some(Pending {
            old_instance: field("instance="),
            instance_type: field("type="),
        })
    }

    /// The tag's value.
    pub(crate) fn value(&self) -> String {
        format!(
            "instance={} type={}",
            self.old_instance.as_deref().unwrap_or(""),
            self.instance_type.as_deref().unwrap_or("")
        )
    }
}

/// Steps 4 to 6 for the instance a `mint:pending-attach` tag names: stop it, detach the
/// project volume, terminate it (its root volume goes with it) and wait until it is gone.
pub(crate) async fn retire(ctx: &Ctx, old: Instance, vol: &Volume) -> Result<()> {
    let id = old
        .instance_id()
        .context("instance without an id")?
        .to_string();
    let vol_id = vol.volume_id().context("volume without an id")?.to_string();
    down::stop(ctx, old, "mint recreate").await?;
    let attached = vol
        .attachments()
        .iter()
        .any(|a| a.instance_id() == Some(id.as_str()));
    if attached {
        ui::phase("Detaching the project volume...");
        ctx.ec2
            .detach_volume()
            .volume_id(&vol_id)
            .instance_id(&id)
            .send()
            .await
            .aws("DetachVolume")?;
    }
    wait::volume_state(ctx, &vol_id, VolumeState::Available).await?;
    ui::phase(&format!("Terminating {id} and its root volume..."));
    ctx.ec2
        .terminate_instances()
        .instance_ids(&id)
        .send()
        .await
        .aws("TerminateInstances")?;
    wait::instance_state(ctx, &id, InstanceStateName::Terminated).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ec2::types::Tag;

    fn vol(value: Option<&str>) -> Volume {
        let mut b = Volume::builder();
        if let Some(v) = value {
            b = b.tags(Tag::builder().key(tags::PENDING_ATTACH).value(v).build());
        }
        b.build()
    }

    #[test]
    fn the_pending_tag_names_the_old_instance_and_type() {
        assert_eq!(Pending::of(&vol(None)), None);
        let p = Pending {
            old_instance: Some("i-0abc".into()),
            instance_type: Some("m6i.large".into()),
        };
        assert_eq!(Pending::of(&vol(Some(&p.value()))), Some(p));
        // A bare tag (presence only) still means "reattach".
        assert_eq!(
            Pending::of(&vol(Some(""))),
            Some(Pending {
                old_instance: None,
                instance_type: None
            })
        );
    }
}
