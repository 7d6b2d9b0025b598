#!/bin/bash
# The end of first boot: checks every component, then records the bootstrap version (which
# ends mint-bootstrap.service's retries), tags mint:bootstrap=complete and publishes the sshd
# host key as mint:host-key, which `mint up` waits for. A failed check tags
# mint:bootstrap=failed with the names of the failed components, which `mint up` reports.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

failed=()
# check NAME DESCRIPTION COMMAND...: one component, named in mint:bootstrap when it fails.
check() {
  local name=$1 what=$2
  shift 2
  if "$@" >/dev/null 2>&1; then log "ok: $what"; else log "FAILED: $what"; failed+=("$name"); fi
}
check docker "Docker daemon running" docker info
check compose "docker compose" docker compose version
check devcontainer "devcontainer CLI on PATH" command -v devcontainer
check mosh "mosh-server installed" command -v mosh-server
check tmux "tmux installed" command -v tmux
for c in git gh node aws; do check "$c" "$c installed" command -v "$c"; done
check ssh-service "ssh.service running" systemctl is-active --quiet ssh.service
check sshd "sshd on port 41122" bash -c "sshd -T | grep -qx 'port 41122'"
check project-volume "project volume at /mint/projects" mountpoint -q "$MINT_ROOT/mint/projects"
check efs "EFS at /mint/user" mountpoint -q "$MINT_ROOT/mint/user"
check efs-utils "amazon-efs-utils installed" command -v mount.efs
check mint-idle "mint-idle installed" "$MINT_ROOT/usr/local/bin/mint-idle" --version
check mint-idle-timer "mint-idle timer enabled" systemctl is-enabled mint-idle.timer
check egress "egress rules and resolver running (mint-egress)" systemctl is-active --quiet mint-egress.service
# The instance role, as AWS evaluates it: StopInstances and CreateTags on this instance with
# DryRun. Without them auto-stop and every tag below fail silently.
check iam "instance role may stop and tag this instance" "$MINT_ROOT/usr/local/bin/mint-idle" permissions
if [ "${#failed[@]}" -gt 0 ]; then
  # `mint up` stops waiting at once and shows which components failed: from the tag, or
  # from the console when the role cannot tag.
  console "failed: health check: ${failed[*]}"
  tag_self "mint:bootstrap=failed: health check: ${failed[*]}" ||
    log "cannot tag mint:bootstrap=failed"
  die "health check failed (${failed[*]}); see the lines above (also in /var/log/cloud-init-output.log)"
fi

# shellcheck source=/dev/null
. "$here/settings.env"
echo "$MINT_BOOTSTRAP_VERSION" >"$MINT_STATE/bootstrap-version"
key=$(cut -d' ' -f1,2 "$MINT_ROOT/etc/ssh/ssh_host_ed25519_key.pub") || die "no ed25519 host key"
tag_self "mint:bootstrap=complete" "mint:host-key=$key" "mint:health=healthy" || {
  console "failed: tag"
  die "cannot tag this instance"
}
console "complete"
log "bootstrap complete"
