//! The prices Mint falls back on when the Price List API is refused or unreachable: AWS's
//! On-Demand list prices (Linux, shared tenancy) for the types Mint users pick, gp3 storage,
//! and a public IPv4 address, as published on the date below. Said as such wherever shown.

/// When these were copied from AWS's price pages.
pub(crate) const DATE: &str = "2026-12-01";

/// Every public IPv4 address, in use or not, in every commercial region (since February 2024).
pub(crate) const IPV4_HOUR: f64 = 0.005;

/// gp3 storage, USD per GB-month.
const GP3_GB_MONTH: &[(&str, f64)] = &[
    ("us-east-1", 0.08),
    ("us-east-2", 0.08),
    ("us-west-2", 0.08),
    ("us-west-1", 0.096),
    ("ca-central-1", 0.088),
    ("eu-west-1", 0.088),
    ("eu-west-2", 0.0928),
    ("eu-central-1", 0.0952),
    ("eu-north-1", 0.0836),
    ("ap-southeast-1", 0.096),
    ("ap-southeast-2", 0.096),
    ("ap-northeast-1", 0.096),
    ("ap-south-1", 0.0912),
];

/// us-east-1's On-Demand Linux price per hour; other regions scale by REGION_FACTOR.
const US_EAST_1: &[(&str, f64)] = &[
    ("t3.medium", 0.0416),
    ("t3.large", 0.0832),
    ("t3.xlarge", 0.1664),
    ("t3.2xlarge", 0.3328),
    ("m6i.large", 0.096),
    ("m6i.xlarge", 0.192),
    ("m6i.2xlarge", 0.384),
    ("m6i.4xlarge", 0.768),
    ("m6i.8xlarge", 1.536),
    ("m7i.large", 0.1008),
    ("m7i.xlarge", 0.2016),
    ("m7i.2xlarge", 0.4032),
    ("m7i.4xlarge", 0.8064),
    ("c6i.xlarge", 0.17),
    ("c6i.2xlarge", 0.34),
    ("c7i.xlarge", 0.1785),
    ("c7i.2xlarge", 0.357),
    ("r6i.xlarge", 0.252),
    ("r6i.2xlarge", 0.504),
    ("r7i.xlarge", 0.2646),
    ("r7i.2xlarge", 0.5292),
];

/// How a region's instance prices compare with us-east-1's (m6i, the default family).
const REGION_FACTOR: &[(&str, f64)] = &[
    ("us-east-1", 1.0),
    ("us-east-2", 1.0),
    ("us-west-2", 1.0),
    ("us-west-1", 1.1667),
    ("ca-central-1", 1.1146),
    ("eu-west-1", 1.1146),
    ("eu-west-2", 1.1563),
    ("eu-central-1", 1.1979),
    ("eu-north-1", 1.0625),
    ("ap-southeast-1", 1.25),
    ("ap-southeast-2", 1.25),
    ("ap-northeast-1", 1.2917),
    ("ap-south-1", 1.0521),
];

fn find(table: &[(&str, f64)], key: &str) -> Option<f64> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// The table's On-Demand price per hour of `instance_type` in `region`, if it has one.
pub(crate) fn instance_hour(region: &str, instance_type: &str) -> Option<f64> {
    Some(find(US_EAST_1, instance_type)? * find(REGION_FACTOR, region)?)
}

pub(crate) fn gp3_gb_month(region: &str) -> Option<f64> {
    find(GP3_GB_MONTH, region)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_vm_has_a_price_everywhere_the_table_covers() {
        assert_eq!(instance_hour("us-east-1", "m6i.xlarge"), Some(0.192));
        for (region, _) in REGION_FACTOR {
            assert!(instance_hour(region, "m6i.xlarge").is_some(), "{region}");
            assert!(gp3_gb_month(region).is_some(), "{region}");
        }
        assert_eq!(instance_hour("us-east-1", "x9.huge"), None);
        assert_eq!(instance_hour("mars-1", "m6i.xlarge"), None);
    }
}
