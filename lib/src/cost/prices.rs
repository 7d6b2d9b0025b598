//! What one VM's parts cost per unit: from the AWS Price List API (GetProducts: On-Demand
//! Linux for the VM's type and region, gp3 per GB-month, a public IPv4 address per hour),
//! cached a week in ~/.config/mint/prices.json; from Mint's own table (with its date) when
//! the API is refused or unreachable, and said so.

use super::table;
use crate::aws::{Aws, AwsResult};
use anyhow::{bail, Context, Result};
use aws_sdk_pricing::types::{Filter, FilterType};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long fetched prices are used before being asked again (AWS changes them rarely).
const FRESH_SECS: i64 = 7 * 24 * 3600;
/// A fallback to the table is kept a day, so an offline laptop does not wait on every list.
const FALLBACK_SECS: i64 = 24 * 3600;
/// The Price List endpoint is in us-east-1 (and two other regions); the VM's region is a filter.
const PRICING_REGION: &str = "us-east-1";
/// `mint list` must not hang on an unreachable endpoint: past this, the table answers.
const API_BUDGET: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Prices {
    /// On-Demand, Linux, USD per hour.
    pub(crate) instance_hour: f64,
    /// gp3, USD per GB-month.
    pub(crate) gp3_gb_month: f64,
    /// One public IPv4 address, USD per hour.
    pub(crate) ipv4_hour: f64,
    /// Where they came from, as shown: "AWS Price List (2026-12-03)" or Mint's table and why.
    pub(crate) source: String,
    /// When they were fetched (unix seconds).
    pub(crate) at: i64,
    /// From the table rather than the API.
    #[serde(default)]
    pub(crate) fallback: bool,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    /// By `region/instance-type`.
    prices: BTreeMap<String, Prices>,
    /// Types neither the API nor the table priced, and why: kept like a fallback, so a list
    /// does not wait on the API for them every time.
    #[serde(default)]
    unpriced: BTreeMap<String, Unpriced>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Unpriced {
    why: String,
    at: i64,
}

fn cache_path() -> Result<std::path::PathBuf> {
    Ok(crate::paths::config_dir()?.join("prices.json"))
}

fn read_cache() -> Cache {
    cache_path()
        .ok()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default()
}

/// The prices for a VM of `instance_type` in `region`: cached, asked, or from the table.
pub(crate) async fn for_vm(region: &str, instance_type: &str) -> Result<Prices> {
    let key = format!("{region}/{instance_type}");
    let now = crate::time::now().secs();
    let mut cache = read_cache();
    if let Some(p) = cache.prices.get(&key) {
        let ttl = if p.fallback {
            FALLBACK_SECS
        } else {
            FRESH_SECS
        };
        if now - p.at < ttl {
            return Ok(p.clone());
        }
    }
    if let Some(u) = cache.unpriced.get(&key) {
        if now - u.at < FALLBACK_SECS {
            bail!("{}", u.why);
        }
    }
    let asked = tokio::time::timeout(API_BUDGET, from_api(region, instance_type)).await;
    let priced = match asked {
        Ok(Ok(p)) => Ok(p),
        Ok(Err(e)) => from_table(region, instance_type, &format!("{e:#}")),
        Err(_) => from_table(region, instance_type, "it did not answer in time"),
    };
    match &priced {
        Ok(p) => {
            cache.unpriced.remove(&key);
            cache.prices.insert(key, p.clone());
        }
        Err(e) => {
            cache.unpriced.insert(
                key,
                Unpriced {
                    why: format!("{e:#}"),
                    at: now,
                },
            );
        }
    }
    // A cache that cannot be written costs a slower next list, nothing else.
    if let (Ok(path), Ok(text)) = (cache_path(), serde_json::to_string_pretty(&cache)) {
        let _ = crate::fs::write_atomic(&path, text.as_bytes(), 0o644);
    }
    priced
}

/// The compiled table, with why the API was not used.
pub(crate) fn from_table(region: &str, instance_type: &str, why: &str) -> Result<Prices> {
    let Some(instance_hour) = table::instance_hour(region, instance_type) else {
        bail!("no price for {instance_type} in {region}: the Price List API could not be used ({why}) and Mint's table of {} does not list it", table::DATE);
    };
    let gp3_gb_month = table::gp3_gb_month(region)
        .context("the table has the type but not the region's storage")?;
    Ok(Prices {
        instance_hour,
        gp3_gb_month,
        ipv4_hour: table::IPV4_HOUR,
        source: format!(
            "Mint's price table of {} (the Price List API could not be used: {why})",
            table::DATE
        ),
        at: crate::time::now().secs(),
        fallback: true,
    })
}

fn term(field: &str, value: &str) -> Filter {
    Filter::builder()
        .r#type(FilterType::TermMatch)
        .field(field)
        .value(value)
        .build()
        .expect("field, type and value are set")
}

async fn from_api(region: &str, instance_type: &str) -> Result<Prices> {
    let pricing = Aws::load(PRICING_REGION).await.pricing();
    let ask = |service: &'static str, filters: Vec<Filter>| {
        let pricing = pricing.clone();
        async move {
            pricing
                .get_products()
                .service_code(service)
                .set_filters(Some(filters))
                .max_results(100)
                .send()
                .await
                .aws("GetProducts")
                .map(|o| o.price_list().to_vec())
        }
    };
    let (instance, storage, ipv4) = tokio::join!(
        ask(
            "AmazonEC2",
            vec![
                term("regionCode", region),
                term("instanceType", instance_type),
                term("operatingSystem", "Linux"),
                term("tenancy", "Shared"),
                term("preInstalledSw", "NA"),
                term("capacitystatus", "Used"),
                term("licenseModel", "No License required"),
            ],
        ),
        ask(
            "AmazonEC2",
            vec![
                term("regionCode", region),
                term("productFamily", "Storage"),
                term("volumeApiName", "gp3"),
            ],
        ),
        ask(
            "AmazonVPC",
            vec![
                term("regionCode", region),
                term("group", "VPCPublicIPv4Address"),
            ],
        ),
    );
    let instance_hour = first_price(&instance?, "Hrs", |_| true).with_context(|| {
        format!("the Price List has no On-Demand Linux price for {instance_type} in {region}")
    })?;
    let gp3_gb_month = first_price(&storage?, "GB-Mo", |_| true)
        .with_context(|| format!("the Price List has no gp3 price in {region}"))?;
    // One price for every address in every region since 2024; the list is asked so a change
    // shows, and the known price stands in when it is not there.
    let ipv4_hour = ipv4
        .ok()
        .and_then(|l| {
            first_price(&l, "Hrs", |usage| {
                usage.ends_with("PublicIPv4:InUseAddress")
            })
        })
        .unwrap_or(table::IPV4_HOUR);
    let at = crate::time::now().secs();
    Ok(Prices {
        instance_hour,
        gp3_gb_month,
        ipv4_hour,
        source: format!(
            "AWS Price List ({})",
            crate::time::rfc3339(&aws_smithy_types::DateTime::from_secs(at))
                .get(..10)
                .unwrap_or_default()
        ),
        at,
        fallback: false,
    })
}

/// The first non-zero On-Demand USD price per `unit` among GetProducts' answers (each a JSON
/// document: product with attributes, terms.OnDemand.<offer>.priceDimensions.<rate>), of a
/// product whose usagetype passes `usage`.
pub(crate) fn first_price(
    list: &[String],
    unit: &str,
    usage: impl Fn(&str) -> bool,
) -> Option<f64> {
    list.iter().find_map(|doc| {
        let v: serde_json::Value = serde_json::from_str(doc).ok()?;
        let usagetype = v["product"]["attributes"]["usagetype"]
            .as_str()
            .unwrap_or("");
        if !usage(usagetype) {
            return None;
        }
        v["terms"]["OnDemand"]
            .as_object()?
            .values()
            .find_map(|offer| {
                offer["priceDimensions"]
                    .as_object()?
                    .values()
                    .find_map(|d| {
                        if !d["unit"].as_str()?.eq_ignore_ascii_case(unit) {
                            return None;
                        }
                        let usd: f64 = d["pricePerUnit"]["USD"].as_str()?.parse().ok()?;
                        (usd > 0.0).then_some(usd)
                    })
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One GetProducts answer as AWS documents it (trimmed to what is read).
    fn doc(usagetype: &str, unit: &str, usd: &str) -> String {
        serde_json::json!({
            "product": {"productFamily": "Compute Instance", "sku": "S",
                        "attributes": {"usagetype": usagetype, "instanceType": "m6i.xlarge"}},
            "serviceCode": "AmazonEC2",
            "terms": {"OnDemand": {"S.JRTCKXETXF": {
                "offerTermCode": "JRTCKXETXF", "sku": "S",
                "priceDimensions": {"S.JRTCKXETXF.6YS6EN2CT7": {
                    "unit": unit, "pricePerUnit": {"USD": usd},
                    "description": "$0.192 per On Demand Linux m6i.xlarge Instance Hour"}}}}},
            "version": "20261201", "publicationDate": "2026-12-01T00:00:00Z"
        })
        .to_string()
    }

    #[test]
    fn the_first_real_price_of_the_unit_is_read() {
        let list = vec![
            doc("BoxUsage:m6i.xlarge", "Hrs", "0.0000000000"),
            doc("BoxUsage:m6i.xlarge", "Hrs", "0.1920000000"),
        ];
        assert_eq!(first_price(&list, "Hrs", |_| true), Some(0.192));
        assert_eq!(first_price(&list, "GB-Mo", |_| true), None);
        let ipv4 = vec![
            doc("USE1-PublicIPv4:IdleAddress", "Hrs", "0.0050000000"),
            doc("USE1-PublicIPv4:InUseAddress", "Hrs", "0.0050000000"),
        ];
        assert_eq!(
            first_price(&ipv4, "Hrs", |u| u.ends_with("PublicIPv4:InUseAddress")),
            Some(0.005)
        );
        assert_eq!(first_price(&["not json".into()], "Hrs", |_| true), None);
    }

    #[test]
    fn the_table_says_it_is_the_table_and_why() {
        let p = from_table("us-east-1", "m6i.xlarge", "AccessDenied").unwrap();
        assert!(p.fallback);
        assert!(
            p.source.contains(table::DATE) && p.source.contains("AccessDenied"),
            "{}",
            p.source
        );
        let e = from_table("mars-1", "m6i.xlarge", "unreachable").unwrap_err();
        assert!(
            e.to_string().contains("no price for m6i.xlarge in mars-1"),
            "{e}"
        );
    }
}
