#!/bin/bash
# Every boot after the first: compares what is installed with what first boot recorded,
# warns in the journal about each difference and tags mint:health healthy or
# drift-detected. It never repairs anything (that is `mint doctor --fix`): no unattended
# package changes at boot.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"
# shellcheck source=/dev/null
. "$here/settings.env"

[ -s "$MINT_STATE/bootstrap-version" ] || { log "first boot not finished; nothing to compare"; exit 0; }
sync_local_keys
drift=0
recorded=$(cat "$MINT_STATE/bootstrap-version")
if [ "$recorded" != "$MINT_BOOTSTRAP_VERSION" ]; then
  warn "drift: bootstrap version $recorded installed, $MINT_BOOTSTRAP_VERSION expected"
  drift=1
fi
drifted=()
# A missing component or a new major version is drift; a change within the major version
# (a security update) is logged only.
while read -r kind name change; do
  if [ "$kind" = drift ]; then
    warn "drift: $name: $change"
    drift=1
    drifted+=("$name")
  else
    log "updated: $name: $change (same major version, not drift)"
  fi
done < <(compare_versions <(normalized_versions <"$MINT_STATE/components") <(component_versions | normalized_versions))
# The instance role as AWS evaluates it now (a changed stack or policy shows here, not at the
# next idle stop that silently fails).
if ! "$MINT_ROOT/usr/local/bin/mint-idle" permissions; then
  warn "drift: the instance role refuses StopInstances or CreateTags on this instance"
  console "health: drift-detected: iam"
  drift=1
  drifted+=(iam)
fi
# The tag names what drifted, so `mint status` says it without ssh.
if [ "$drift" = 0 ]; then health=healthy; else health="drift-detected${drifted[*]:+: ${drifted[*]}}"; fi
log "health: $health"
tag_self "mint:health=$health"
