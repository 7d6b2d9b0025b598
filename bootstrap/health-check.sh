#!/bin/bash
# The end of first boot: checks every component, then tags mint:bootstrap=complete and
# publishes the sshd host key as mint:host-key, which `mint up` waits for. On a failed
# check it tags nothing: `mint up` times out and offers stop / terminate / leave.
set -uo pipefail
here=$(dirname "$0")
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"

failed=0
check() {
  local what=$1
  shift
  if "$@" >/dev/null 2>&1; then log "ok: $what"; else log "FAILED: $what"; failed=1; fi
}
check "Docker daemon running" docker info
check "docker compose" docker compose version
check "devcontainer CLI on PATH" command -v devcontainer
check "mosh-server installed" command -v mosh-server
check "tmux installed" command -v tmux
check "git, gh, node, aws installed" command -v git gh node aws
check "sshd on port 41122" bash -c "sshd -T | grep -qx 'port 41122'"
check "project volume at /mint/projects" mountpoint -q "$MINT_ROOT/mint/projects"
check "EFS at /mint/user" mountpoint -q "$MINT_ROOT/mint/user"
check "mint-idle installed" "$MINT_ROOT/usr/local/bin/mint-idle" --version
check "mint-idle timer enabled" systemctl is-enabled mint-idle.timer
check "bootstrap version recorded" test -s "$MINT_STATE/bootstrap-version"
[ "$failed" = 0 ] || die "health check failed; see the lines above (also in /var/log/cloud-init-output.log)"

key=$(cut -d' ' -f1,2 "$MINT_ROOT/etc/ssh/ssh_host_ed25519_key.pub") || die "no ed25519 host key"
tag_self "mint:bootstrap=complete" "mint:host-key=$key" "mint:health=healthy" || die "cannot tag this instance"
log "bootstrap complete"
