//! AWS access: one SdkConfig per process (region from mint config, never the CLI default),
//! client constructors that log every call, and a typed error that says what went wrong
//! and what to do next.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use std::time::Instant;
use thiserror::Error;

#[derive(Clone, Debug)]
pub(crate) struct Aws {
    sdk: SdkConfig,
}

impl Aws {
    /// The SDK config for `region`, loaded once per process (credentials, profile and
    /// endpoint resolution are not repeated however many parts of a command ask).
    pub(crate) async fn load(region: &str) -> Aws {
        static LOADED: std::sync::Mutex<Vec<(String, SdkConfig)>> =
            std::sync::Mutex::new(Vec::new());
        let known = |l: &[(String, SdkConfig)]| {
            l.iter()
                .find(|(r, _)| r == region)
                .map(|(_, sdk)| Aws { sdk: sdk.clone() })
        };
        if let Some(aws) = known(&LOADED.lock().unwrap_or_else(|p| p.into_inner())) {
            return aws;
        }
        let aws = Aws::from_loader(aws_config::defaults(BehaviorVersion::latest()), region).await;
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        if known(&loaded).is_none() {
            loaded.push((region.to_string(), aws.sdk.clone()));
        }
        aws
    }

    /// As `load`, with the instance role's credentials instead of the default chain.
    pub(crate) async fn load_with_credentials(
        region: &str,
        creds: aws_config::imds::credentials::ImdsCredentialsProvider,
    ) -> Aws {
        let loader = aws_config::defaults(BehaviorVersion::latest()).credentials_provider(creds);
        Aws::from_loader(loader, region).await
    }

    async fn from_loader(loader: aws_config::ConfigLoader, region: &str) -> Aws {
        let sdk = loader
            .region(Region::new(region.to_string()))
            .timeout_config(call_timeouts())
            .load()
            .await;
        Aws { sdk }
    }

    /// When the current credentials expire (SSO and assumed-role sessions do); None for
    /// long-term keys, or when there are none.
    pub(crate) async fn credential_expiry(&self) -> Option<std::time::SystemTime> {
        use aws_credential_types::provider::ProvideCredentials;
        let provider = self.sdk.credentials_provider()?;
        provider.provide_credentials().await.ok()?.expiry()
    }

    pub(crate) fn region(&self) -> &str {
        self.sdk.region().map(|r| r.as_ref()).unwrap_or_default()
    }

    pub(crate) fn ec2(&self) -> aws_sdk_ec2::Client {
        let conf = aws_sdk_ec2::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_ec2::Client::from_conf(conf)
    }

    pub(crate) fn sts(&self) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    pub(crate) fn iam(&self) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    pub(crate) fn efs(&self) -> aws_sdk_efs::Client {
        let conf = aws_sdk_efs::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_efs::Client::from_conf(conf)
    }

    pub(crate) fn ssm(&self) -> aws_sdk_ssm::Client {
        let conf = aws_sdk_ssm::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_ssm::Client::from_conf(conf)
    }

    pub(crate) fn eic(&self) -> aws_sdk_ec2instanceconnect::Client {
        let conf = aws_sdk_ec2instanceconnect::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_ec2instanceconnect::Client::from_conf(conf)
    }

    pub(crate) fn cfn(&self) -> aws_sdk_cloudformation::Client {
        let conf = aws_sdk_cloudformation::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_cloudformation::Client::from_conf(conf)
    }

    pub(crate) fn pricing(&self) -> aws_sdk_pricing::Client {
        let conf = aws_sdk_pricing::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_pricing::Client::from_conf(conf)
    }

    pub(crate) fn quotas(&self) -> aws_sdk_servicequotas::Client {
        let conf = aws_sdk_servicequotas::config::Builder::from(&self.sdk)
            .interceptor(CallLog)
            .build();
        aws_sdk_servicequotas::Client::from_conf(conf)
    }
}

/// No AWS call may hang a command (or mint-idle's unit) on an endpoint that accepts and never
/// answers: each attempt gets 8 s and a call with its retries 20 s. Every Mint call is one
/// small request, answered in well under a second; waiting on AWS state is polling, not a
/// long call. Merged with the SDK's own 3.1 s connect timeout.
fn call_timeouts() -> aws_config::timeout::TimeoutConfig {
    aws_config::timeout::TimeoutConfig::builder()
        .operation_attempt_timeout(std::time::Duration::from_secs(8))
        .operation_timeout(std::time::Duration::from_secs(20))
        .build()
}

/// Logs service, operation, duration and result of every call (spec: Observability).
#[derive(Debug)]
struct CallLog;

#[derive(Debug, Clone)]
struct CallStart(Instant);

impl Storable for CallStart {
    type Storer = StoreReplace<Self>;
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "MintCallLog"
    }

    fn read_before_execution(
        &self,
        _ctx: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(CallStart(Instant::now()));
        Ok(())
    }

    fn read_after_execution(
        &self,
        ctx: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let millis = cfg
            .load::<CallStart>()
            .map(|s| s.0.elapsed().as_millis())
            .unwrap_or_default();
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_default();
        let status = ctx.response().map(|r| r.status().as_u16());
        let result = match (ctx.output_or_error(), status) {
            (Some(Ok(_)), _) => "ok".to_string(),
            (_, Some(code)) => format!("error (HTTP {code})"),
            _ => "error (no response)".to_string(),
        };
        crate::ui::log_aws_call(&service, &operation, millis, &result);
        Ok(())
    }
}

/// An AWS call that failed, sorted by what the user can do about it.
#[derive(Debug, Error)]
pub(crate) enum AwsError {
    #[error("no AWS credentials found ({op}): configure them with `aws configure` or `aws sso login`, or set AWS_PROFILE / AWS_ACCESS_KEY_ID")]
    NoCredentials { op: &'static str },
    #[error("cannot reach AWS at {endpoint} ({op}): {detail}; check your network connection (and AWS_ENDPOINT_URL, if you set it)")]
    Unreachable {
        op: &'static str,
        detail: String,
        endpoint: String,
    },
    #[error("AWS refused {op}: {code}: {message}{hint}", hint = hint(code))]
    Service {
        op: &'static str,
        code: String,
        message: String,
    },
    #[error("{op} failed: {detail}")]
    Other { op: &'static str, detail: String },
}

impl AwsError {
    /// Missing, expired or refused credentials: the user has to log in again (exit code 5).
    pub(crate) fn is_credentials(&self) -> bool {
        match self {
            AwsError::NoCredentials { .. } => true,
            AwsError::Service { code, .. } => matches!(
                code.as_str(),
                "ExpiredToken"
                    | "ExpiredTokenException"
                    | "RequestExpired"
                    | "TokenRefreshRequired"
                    | "InvalidClientTokenId"
                    | "UnrecognizedClientException"
                    | "AuthFailure"
                    | "InvalidAccessKeyId"
            ),
            _ => false,
        }
    }

    /// The AWS error code, for callers that branch on it (e.g. `NoSuchEntity`).
    pub(crate) fn code(&self) -> Option<&str> {
        match self {
            AwsError::Service { code, .. } => Some(code),
            _ => None,
        }
    }

    pub(crate) fn from_sdk<E, R>(op: &'static str, err: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let detail = DisplayErrorContext(&err).to_string();
        if let SdkError::ServiceError(se) = &err {
            let e = se.err();
            return AwsError::Service {
                op,
                code: e.code().unwrap_or("Unknown").to_string(),
                message: e.message().unwrap_or("(no message)").to_string(),
            };
        }
        let lower = detail.to_lowercase();
        if lower.contains("credentials") && !lower.contains("connection refused") {
            return AwsError::NoCredentials { op };
        }
        match &err {
            SdkError::TimeoutError(_) => AwsError::Unreachable {
                op,
                endpoint: endpoint(),
                detail: "no answer in time".to_string(),
            },
            SdkError::DispatchFailure(_) => AwsError::Unreachable {
                op,
                endpoint: endpoint(),
                detail: innermost(&err),
            },
            _ => AwsError::Other {
                op,
                detail: short(&detail),
            },
        }
    }
}

/// Where the SDK sends calls, for "cannot reach": the override the user set, if any (the SDK's
/// own variable), else the service's regional endpoint.
fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| "its regional endpoint".to_string())
}

/// What to do next, for the errors users actually meet.
fn hint(code: &str) -> &'static str {
    match code {
        "ExpiredToken" | "ExpiredTokenException" | "RequestExpired" | "TokenRefreshRequired" => {
            "; your AWS session has expired: run `aws sso login` (or refresh your credentials) and retry"
        }
        "InvalidClientTokenId" | "UnrecognizedClientException" | "AuthFailure"
        | "SignatureDoesNotMatch" | "InvalidAccessKeyId" => {
            "; AWS does not accept these credentials: check AWS_PROFILE or `aws configure list`"
        }
        "UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException" => {
            "; your AWS identity lacks this permission (Mint users need PowerUser access; ask your admin)"
        }
        "InsufficientInstanceCapacity" => {
            "; AWS has no capacity for this type right now: retry later, or `mint config set instance_type <other>`"
        }
        "VcpuLimitExceeded" => {
            "; your vCPU quota is used up: `mint down` another VM, or ask your admin to raise the quota in Service Quotas"
        }
        "AddressLimitExceeded" => {
            "; the Elastic IP quota is used up: `mint destroy` a VM you no longer need, or ask your admin to raise it"
        }
        _ => "",
    }
}

/// The root cause of an error chain ("Connection refused (os error 111)").
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The SDK's error chains repeat themselves; keep the innermost, most specific part.
fn short(detail: &str) -> String {
    detail
        .rsplit(": ")
        .find(|s| !s.trim().is_empty())
        .unwrap_or(detail)
        .trim()
        .trim_end_matches(')')
        .to_string()
}

/// `.aws("Op")?` on an SDK result: converts to AwsError with the operation named.
pub(crate) trait AwsResult<T> {
    fn aws(self, op: &'static str) -> Result<T, AwsError>;
}

impl<T, E, R> AwsResult<T> for Result<T, SdkError<E, R>>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    fn aws(self, op: &'static str) -> Result<T, AwsError> {
        self.map_err(|e| AwsError::from_sdk(op, e))
    }
}

/// A ClientToken unique to this invocation and `purpose` (name the VM in it: one process can
/// create several VMs, and a token shared between two of them would hand the second the
/// first's instance). An SDK retry of the same call reuses it (no twin), while a re-run finds
/// the first run's resources by their tags instead. Hashed to stay within EC2's 64 characters.
pub(crate) fn client_token(purpose: &str) -> String {
    use sha2::{Digest, Sha256};
    use std::sync::OnceLock;
    static INVOCATION: OnceLock<String> = OnceLock::new();
    let invocation = INVOCATION.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default();
        format!("{}-{nanos:x}", std::process::id())
    });
    let digest = Sha256::digest(format!("{invocation}/{purpose}").as_bytes());
    format!("mint-{}", &hex::encode(digest)[..32])
}

#[cfg(test)]
mod tests {
    #[test]
    fn client_tokens_differ_by_purpose_and_fit_ec2() {
        let a = super::client_token("instance/a");
        assert_eq!(a, super::client_token("instance/a"));
        assert_ne!(a, super::client_token("instance/b"));
        assert!(a.len() <= 64, "{a}");
    }
}
