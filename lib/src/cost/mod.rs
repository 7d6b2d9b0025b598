//! What a VM costs: per hour now (running: instance, volumes and address; stopped: volumes
//! and address, which AWS bills whether or not the instance runs), this month so far, and the
//! month's end at the same pattern. Run time comes from the VM's `mint:month-runtime` tag;
//! the rest from when its volumes were made.

pub(crate) mod budget;
pub(crate) mod prices;
pub(crate) mod runtime;
pub(crate) mod table;

use crate::aws::{Aws, AwsResult};
use crate::record::{VmRecord, VmState};
use crate::tags;
use anyhow::Result;
use aws_sdk_ec2::types::Volume;
use prices::Prices;
use runtime::MonthRuntime;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What AWS bills a VM for besides its instance: its volumes, as DescribeVolumes reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Storage {
    pub(crate) gb: i64,
    /// When its oldest volume was made (unix seconds): the VM has cost money since.
    pub(crate) since: Option<i64>,
}

/// One VM's cost, as `mint cost --json` prints it (USD).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub(crate) struct VmCost {
    pub(crate) vm: String,
    pub(crate) state: String,
    /// What this hour costs: instance (when running), volumes and address.
    pub(crate) per_hour: f64,
    pub(crate) instance_per_hour: f64,
    pub(crate) storage_per_hour: f64,
    pub(crate) address_per_hour: f64,
    pub(crate) month: String,
    /// This month so far.
    pub(crate) month_to_date: f64,
    /// At the month's end, if the rest of it goes as it has so far.
    pub(crate) month_end: f64,
    pub(crate) running_hours: f64,
    /// Hours this month the VM existed (billed for volumes and address).
    pub(crate) hours: f64,
    pub(crate) storage_gb: i64,
    pub(crate) prices: String,
}

/// The arithmetic, pure: `running_secs` this month, storage since `storage.since`, at `now`.
pub(crate) fn compute(
    vm: &str,
    running: bool,
    state: &str,
    prices: &Prices,
    storage: &Storage,
    running_secs: i64,
    now: i64,
) -> VmCost {
    let month = crate::time::month_of(now);
    let storage_per_hour = storage.gb as f64 * prices.gp3_gb_month / month.hours();
    let fixed = storage_per_hour + prices.ipv4_hour;
    let from = storage.since.unwrap_or(month.start).max(month.start);
    let hours = (now - from).max(0) as f64 / 3600.0;
    let running_hours = (running_secs as f64 / 3600.0).min(hours);
    let month_to_date = running_hours * prices.instance_hour + hours * fixed;
    let share = if hours > 0.0 {
        running_hours / hours
    } else if running {
        1.0
    } else {
        0.0
    };
    let left = (month.end - now).max(0) as f64 / 3600.0;
    VmCost {
        vm: vm.to_string(),
        state: state.to_string(),
        per_hour: fixed + if running { prices.instance_hour } else { 0.0 },
        instance_per_hour: prices.instance_hour,
        storage_per_hour,
        address_per_hour: prices.ipv4_hour,
        month: month.key,
        month_to_date,
        month_end: month_to_date + left * (fixed + share * prices.instance_hour),
        running_hours,
        hours,
        storage_gb: storage.gb,
        prices: prices.source.clone(),
    }
}

/// Every Mint volume in the region (the owner's are picked from them, so this can be asked
/// beside the caller's identity): one DescribeVolumes.
pub(crate) async fn volumes(aws: &Aws) -> Result<Vec<Volume>> {
    let out = aws
        .ec2()
        .describe_volumes()
        .filters(tags::filter(&format!("tag:{}", tags::MINT), &["true"]))
        .send()
        .await
        .aws("DescribeVolumes")?;
    Ok(out.volumes().to_vec())
}

/// `owner`'s volumes summed per VM.
pub(crate) fn storage(volumes: &[Volume], owner: &str) -> BTreeMap<String, Storage> {
    let mut by_vm: BTreeMap<String, Storage> = BTreeMap::new();
    for v in volumes {
        if tags::get(v.tags(), tags::OWNER) != Some(owner) {
            continue;
        }
        let Some(vm) = tags::get(v.tags(), tags::VM) else {
            continue;
        };
        let s = by_vm.entry(vm.to_string()).or_default();
        s.gb += i64::from(v.size().unwrap_or(0));
        if let Some(t) = v.create_time() {
            s.since = Some(s.since.map_or(t.secs(), |x| x.min(t.secs())));
        }
    }
    by_vm
}

/// Each record's cost, where its prices are known; returns the VMs left without one, and
/// why (a type neither the Price List nor Mint's table knows). Each type is priced once.
pub(crate) async fn attach(
    recs: &mut [VmRecord],
    storage: &BTreeMap<String, Storage>,
) -> Vec<String> {
    let mut known: BTreeMap<(String, String), std::result::Result<Prices, String>> =
        BTreeMap::new();
    let mut unpriced = Vec::new();
    for r in recs.iter_mut() {
        let Some(instance_type) = priced_type(r) else {
            continue;
        };
        let key = (r.region.clone(), instance_type.to_string());
        if !known.contains_key(&key) {
            let p = prices::for_vm(&key.0, &key.1)
                .await
                .map_err(|e| format!("{e:#}"));
            known.insert(key.clone(), p);
        }
        match &known[&key] {
            Ok(p) => r.cost = Some(cost_of(r, p, storage.get(&r.vm))),
            Err(why) => unpriced.push(format!("VM {}: {why}", r.vm)),
        }
    }
    unpriced
}

/// One record's cost; None for a terminated or typeless one.
pub(crate) async fn of(r: &VmRecord, storage: &Storage) -> Result<Option<VmCost>> {
    let Some(instance_type) = priced_type(r) else {
        return Ok(None);
    };
    let prices = prices::for_vm(&r.region, instance_type).await?;
    Ok(Some(cost_of(r, &prices, Some(storage))))
}

/// The type to price a record by: none for a terminated or typeless one.
fn priced_type(r: &VmRecord) -> Option<&str> {
    r.instance_type
        .as_deref()
        .filter(|_| r.state != VmState::Terminated)
}

fn cost_of(r: &VmRecord, prices: &Prices, storage: Option<&Storage>) -> VmCost {
    let now = crate::time::now().secs();
    compute(
        &r.vm,
        matches!(r.state, VmState::Running | VmState::Pending),
        &r.state.to_string(),
        prices,
        &storage.cloned().unwrap_or_default(),
        MonthRuntime::seconds_in(r.month_runtime.as_ref(), now),
        now,
    )
}

/// `mint cost --json`: every VM's cost and their sum.
#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) vms: Vec<VmCost>,
    pub(crate) total: Total,
    /// VMs without a price, and why.
    pub(crate) unpriced: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Total {
    pub(crate) per_hour: f64,
    pub(crate) running_hours: f64,
    pub(crate) month_to_date: f64,
    pub(crate) month_end: f64,
}

impl Total {
    pub(crate) fn of(vms: &[VmCost]) -> Total {
        let sum = |f: fn(&VmCost) -> f64| vms.iter().map(f).sum::<f64>();
        Total {
            per_hour: sum(|c| c.per_hour),
            running_hours: sum(|c| c.running_hours),
            month_to_date: sum(|c| c.month_to_date),
            month_end: sum(|c| c.month_end),
        }
    }
}

/// The report from `mint list`'s records (which carry their cost when it is known) and
/// the VMs `attach` could not price.
pub(crate) fn report(recs: &[VmRecord], unpriced: Vec<String>) -> Report {
    let vms: Vec<VmCost> = recs.iter().filter_map(|r| r.cost.clone()).collect();
    Report {
        total: Total::of(&vms),
        vms,
        unpriced,
    }
}

/// "$41.20".
pub(crate) fn usd(x: f64) -> String {
    format!("${x:.2}")
}

/// "$0.226/h": rates are small, so a tenth of a cent shows.
pub(crate) fn per_hour(x: f64) -> String {
    format!("${x:.3}/h")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prices() -> Prices {
        Prices {
            instance_hour: 0.192,
            gp3_gb_month: 0.08,
            ipv4_hour: 0.005,
            source: "test".into(),
            at: 0,
            fallback: false,
        }
    }

    /// The pattern priced by hand: m6i.xlarge in us-east-1, 200 GB root and 50 GB
    /// project volume (gp3), one address, 10 h running and 14 h stopped a day for the 30 days
    /// of November 2026: 300 h x $0.192 + 250 GB x $0.08 + 720 h x $0.005 = $81.20.
    #[test]
    fn a_month_of_ten_hours_a_day_matches_the_hand_computed_bill() {
        let at = |s: &str| crate::time::parse_rfc3339(s).unwrap().secs();
        let storage = Storage {
            gb: 250,
            since: Some(at("2026-10-15T00:00:00Z")),
        };
        let end = at("2026-11-30T23:59:59Z");
        let c = compute("d", false, "stopped", &prices(), &storage, 300 * 3600, end);
        let bill = 81.20;
        assert!(
            (c.month_to_date - bill).abs() / bill < 0.01,
            "{} vs {bill}",
            c.month_to_date
        );
        assert!((c.month_end - c.month_to_date).abs() < 0.01);
        // Half way through, the projection is the same bill.
        let mid = at("2026-11-16T00:00:00Z");
        let half = compute("d", false, "stopped", &prices(), &storage, 150 * 3600, mid);
        assert!(
            (half.month_end - bill).abs() / bill < 0.01,
            "{}",
            half.month_end
        );
        // Stopped, an hour costs the volumes and the address; running, the instance too.
        assert!((half.per_hour - (20.0 / 720.0 + 0.005)).abs() < 1e-9);
        let on = compute("d", true, "running", &prices(), &storage, 150 * 3600, mid);
        assert!((on.per_hour - half.per_hour - 0.192).abs() < 1e-9);
    }

    #[test]
    fn a_vm_made_this_month_is_billed_from_then() {
        let at = |s: &str| crate::time::parse_rfc3339(s).unwrap().secs();
        let storage = Storage {
            gb: 250,
            since: Some(at("2026-12-03T00:00:00Z")),
        };
        let c = compute(
            "d",
            true,
            "running",
            &prices(),
            &storage,
            3600,
            at("2026-12-03T02:00:00Z"),
        );
        assert_eq!(c.hours, 2.0);
        assert_eq!(c.running_hours, 1.0);
        let expected = 0.192 + 2.0 * (250.0 * 0.08 / 744.0 + 0.005);
        assert!((c.month_to_date - expected).abs() < 1e-9);
        assert_eq!(per_hour(0.0345), "$0.035/h");
        assert_eq!(usd(41.2), "$41.20");
    }
}
