#!/bin/bash
# Mint first-boot payload, run as root from EC2 user data.
# Placeholder until the VM-side work lands: it records the bootstrap version and performs
# the health check's one job Mint's client waits on, tagging mint:bootstrap=complete.
set -euo pipefail

log() { echo "mint-bootstrap: $*"; }

# IMDSv2 is required at launch, so every metadata read needs a session token.
token=$(curl -fsS -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" \
  http://169.254.169.254/latest/api/token)
imds() {
  curl -fsS -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
instance_id=$(imds instance-id)
region=$(imds placement/region)

log "recording bootstrap version"
mkdir -p /var/lib/mint
echo "0.1.0" >/var/lib/mint/bootstrap-version

if ! command -v aws >/dev/null; then
  log "installing the AWS CLI"
  snap install aws-cli --classic
fi

log "tagging ${instance_id} mint:bootstrap=complete"
aws ec2 create-tags --region "$region" --resources "$instance_id" \
  --tags Key=mint:bootstrap,Value=complete
