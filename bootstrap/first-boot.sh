#!/bin/bash
# Mint first boot, run as root from user data (Ubuntu 24.04), and on every later boot by
# mint-bootstrap.service until the health check has passed once. mint-idle goes in first, so
# a VM whose bootstrap fails still stops when idle; a failing step tags
# mint:bootstrap=failed: <step>, which `mint up` reports at once. Every step checks before it
# acts, so a re-run only finishes the job.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"
# shellcheck source=/dev/null
. "$here/settings.env"
: "${MINT_BOOTSTRAP_VERSION:?}" "${MINT_IDLE_URL:?}" "${MINT_IDLE_SHA256:?}" "${MINT_EFS_ACCESS_POINT:?}"
: "${MINT_EFS_UTILS_URL:?}" "${MINT_EFS_UTILS_SHA256:?}"
export DEBIAN_FRONTEND=noninteractive
# cloud-init runs user data without HOME (and so does a unit without User=): npm, gpg and
# snap keep their state under it.
export HOME="${HOME:-/root}"
home="$MINT_ROOT/home/ubuntu"
# NodeSource's repository signing key.
NODESOURCE_KEY=6F71F525282841EEDAF851B42F59B5F99B1BE0B4

step=start
failed() {
  [ $? = 0 ] && return
  # Nothing else would ever stop a VM that has no mint-idle yet: EC2 stops it at halt.
  systemctl is-enabled -q mint-idle.timer ||
    shutdown -P +60 "Mint bootstrap failed before mint-idle was installed"
  # The console first: it is what `mint up` reads when the role cannot tag.
  console "failed: $step"
  tag_self "mint:bootstrap=failed: $step" || log "cannot tag mint:bootstrap=failed"
}
trap failed EXIT

# unattended-upgrades holds the dpkg lock for minutes after a first boot: wait for it.
apt_get() { apt-get -o DPkg::Lock::Timeout=600 "$@"; }
# daemon.json in place; docker_config_changed=1 when this run wrote it.
docker_config_changed=0
install_docker_config() {
  cmp -s "$here/docker-daemon.json" "$MINT_ROOT/etc/docker/daemon.json" && return
  install -d "$MINT_ROOT/etc/docker"
  install -m 0644 "$here/docker-daemon.json" "$MINT_ROOT/etc/docker/daemon.json"
  docker_config_changed=1
}
# retry TRIES COMMAND...: every 10 s. apt-daily holds /var/lib/apt/lists/lock at first boot,
# and `apt-get update` fails at once on it (DPkg::Lock::Timeout covers only the dpkg lock);
# `dpkg --configure -a` fails at once on dpkg's frontend lock.
retry() {
  local tries=$1 i
  shift
  for ((i = 1; ; i++)); do
    "$@" && return 0
    [ "$i" -lt "$tries" ] || return 1
    log "retrying in 10 s ($i/$tries): $*"
    sleep 10
  done
}

step=mint-idle
log "step 1/8: mint-idle from $MINT_IDLE_URL, its timer, and the retry of this script"
install_mint_idle
for unit in mint-idle.service mint-idle.timer mint-reconcile.service mint-bootstrap.service mint-events.service mint-resume.service mint-egress.service; do
  install -m 0644 "$here/$unit" "$MINT_ROOT/etc/systemd/system/$unit"
done
# Claude's hooks (in the host and every container) drop their events here.
install -d -o 1000 -g 1000 -m 0755 "$MINT_ROOT/mint/events"
systemctl daemon-reload
systemctl enable --now mint-idle.timer mint-events.service
# mint-resume runs from the next boot on: at first boot there is nothing to resume.
systemctl enable mint-bootstrap.service mint-reconcile.service mint-resume.service

step=packages
log "step 2/8: packages (Docker, Compose, BuildKit, tmux, mosh, git, gh, Node.js LTS, efs-utils)"
key="$MINT_ROOT/etc/apt/keyrings/nodesource.gpg"
install -d -m 0755 "${key%/*}" "$MINT_ROOT/var/cache/mint"
if [ ! -s "$key" ]; then
  fetch https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key "$key.asc"
  # Exactly one primary key, NodeSource's, whatever else the URL might serve.
  gpg --show-keys --with-colons "$key.asc" |
    awk -F: -v k="$NODESOURCE_KEY" '$1 == "pub" {n++} $1 == "fpr" && !f {f = $10} END {exit !(n == 1 && f == k)}' ||
    die "the NodeSource key is not the one with fingerprint $NODESOURCE_KEY"
  gpg --dearmor -o "$key" <"$key.asc"
fi
echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" \
  >"$MINT_ROOT/etc/apt/sources.list.d/nodesource.list"
pkgs=(docker.io docker-compose-v2 docker-buildx tmux mosh git gh nodejs ec2-instance-connect jq nftables)
if [ "$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${pkgs[@]}" amazon-efs-utils 2>/dev/null | grep -c '^ii')" != "$((${#pkgs[@]} + 1))" ]; then
  deb="$MINT_ROOT/var/cache/mint/amazon-efs-utils.deb"
  [ -s "$deb" ] || pinned "$MINT_EFS_UTILS_URL" "$MINT_EFS_UTILS_SHA256" "$deb"
  # An install cut short (the bootstrap timeout's "stop") leaves dpkg half-configured, and
  # every later install refuses until this has run; with nothing pending it does nothing.
  retry 60 dpkg --configure -a
  # Installing docker.io starts dockerd, which reads daemon.json only when it starts.
  install_docker_config
  retry 60 apt_get update -q
  apt_get install -y -q "${pkgs[@]}" "$deb"
fi
if ! command -v aws >/dev/null; then
  snap wait system seed.loaded
  snap install aws-cli --classic
fi
command -v devcontainer >/dev/null || install_devcontainer_cli

step=docker
log "step 3/8: Docker (BuildKit cache stays on the root volume, under /var/lib/docker), egress rules"
install_docker_config
usermod -aG docker ubuntu
# The rules and resolver for projects confined to an allowlist (nft is in now); at later
# boots the unit starts before Docker.
systemctl enable --now mint-egress.service
systemctl enable --now docker
# A dockerd that started before this daemon.json (an earlier run, an older bootstrap) runs
# without it until restarted; nothing runs in Docker before first boot has finished.
[ "$docker_config_changed" = 0 ] || systemctl restart docker

step=sshd
log "step 4/8: sshd on 41122, keys only (read from local disk first); tmux and mosh settings"
install -d -m 0755 "$MINT_ROOT/etc/ssh/mint-keys"
install -m 0644 "$here/sshd-mint.conf" "$MINT_ROOT/etc/ssh/sshd_config.d/60-mint.conf"
# Ubuntu 24.04 socket-activates sshd (ssh.socket on port 22), and /run/sshd, which `sshd -t`
# needs, appears only once ssh.service has run. Mint runs sshd as a plain service reading
# Port from its config (Ubuntu Server docs, "opt out of socket activation"); the service's
# own ExecStartPre is `sshd -t`, so its result says whether the config took.
systemctl disable --now ssh.socket
rm -f "$MINT_ROOT/etc/systemd/system/ssh.service.d/00-socket.conf" \
  "$MINT_ROOT/etc/systemd/system/ssh.socket.d/addresses.conf"
systemctl daemon-reload
systemctl enable ssh.service
{ systemctl restart ssh.service && systemctl is-active --quiet ssh.service; } ||
  die "ssh.service did not start with Mint's sshd config: $(sshd -t 2>&1 | head -n 3)"
install -m 0644 "$here/tmux.conf" "$MINT_ROOT/etc/tmux.conf"
# An abandoned mosh session ends after 30 min unreachable (pam_env reads this file), so it
# stops counting as activity; tmux keeps the work.
grep -q '^MOSH_SERVER_NETWORK_TMOUT=' "$MINT_ROOT/etc/environment" 2>/dev/null ||
  echo 'MOSH_SERVER_NETWORK_TMOUT=1800' >>"$MINT_ROOT/etc/environment"

step=project-volume
log "step 5/8: project volume at /mint/projects"
project_disk() {
  # The one EBS disk that is not the root disk and not mounted (instance-store NVMe disks
  # are ephemeral: never put projects there).
  local root
  root=$(lsblk -no PKNAME "$(findmnt -no SOURCE /)")
  lsblk -dnpo NAME,TYPE,MODEL | awk -v r="/dev/$root" '$2 == "disk" && $1 != r && !/Instance Storage/ {print $1}' |
    while read -r d; do
      [ -z "$(lsblk -no MOUNTPOINTS "$d" | tr -d '[:space:]')" ] && echo "$d"
    done | head -n1
}
if ! mountpoint -q "$MINT_ROOT/mint/projects"; then
  dev=""
  # `mint up` attaches the volume while the instance boots: wait for it (up to 10 min).
  for _ in $(seq 120); do dev=$(project_disk) && [ -n "$dev" ] && break; sleep 5; done
  [ -n "$dev" ] || die "no project volume attached after 10 minutes"
  # Never reformat: a volume with a file system holds someone's projects.
  if [ -z "$(blkid -o value -s TYPE "$dev" || true)" ]; then
    log "formatting $dev (new, empty volume)"
    mkfs.ext4 -q -L mint-projects "$dev"
  fi
  uuid=$(blkid -o value -s UUID "$dev")
  install -d "$MINT_ROOT/mint/projects"
  grep -q "^UUID=$uuid " "$MINT_ROOT/etc/fstab" ||
    echo "UUID=$uuid /mint/projects ext4 defaults,nofail,x-systemd.device-timeout=30s 0 2" >>"$MINT_ROOT/etc/fstab"
  mount /mint/projects
  chown ubuntu:ubuntu "$MINT_ROOT/mint/projects"
fi

step=efs
log "step 6/8: EFS at /mint/user, through your access point $MINT_EFS_ACCESS_POINT only (TLS, IAM)"
# The access point pins uid 1000 and a root directory of your own, which EFS creates on the
# first mount; the file system policy refuses any mount that is not through an access point.
install -d "$MINT_ROOT/mint/user"
grep -q " /mint/user efs " "$MINT_ROOT/etc/fstab" ||
  echo "$MINT_EFS_ID:/ /mint/user efs _netdev,noresvport,tls,iam,accesspoint=$MINT_EFS_ACCESS_POINT,nofail 0 0" >>"$MINT_ROOT/etc/fstab"
mountpoint -q "$MINT_ROOT/mint/user" || mount /mint/user
# Persistent config lives on EFS, shared by all your VMs; $HOME links to it.
install -d -o 1000 -g 1000 "$MINT_ROOT/mint/user/home"
# Each project's own Claude and gh state (project.sh), out of every other project's reach.
install -d -o 1000 -g 1000 -m 0700 "$MINT_ROOT/mint/user/project-state"
for p in .ssh .claude .config/claude .config/gh .gitconfig .claude.json; do
  link="$home/$p" target="/mint/user/home/$p"
  [ -L "$link" ] && continue
  install -d -o 1000 -g 1000 "$(dirname "$link")" "$MINT_ROOT$(dirname "$target")"
  if [ -e "$link" ] && [ ! -e "$MINT_ROOT$target" ]; then
    mv "$link" "$MINT_ROOT$target" # seed EFS from this first VM
  elif [ -e "$link" ]; then
    mv "$link" "$link.mint-orig"
  fi
  case "$p" in .gitconfig | .claude.json) ;; *) install -d -o 1000 -g 1000 -m 0700 "$MINT_ROOT$target" ;; esac
  ln -s "$target" "$link"
  chown -h 1000:1000 "$link"
done
# Devcontainers bind-mount this file; Docker would make a missing source a directory.
cj="$MINT_ROOT/mint/user/home/.claude.json"
[ -e "$cj" ] || { echo '{}' >"$cj" && chown 1000:1000 "$cj" && chmod 0600 "$cj"; }
# sshd reads this local copy first, so a login does not wait on EFS.
sync_local_keys
# Claude's Notification and Stop events reach `mint notify`, from the host and every container:
# Mint's hooks are in Claude Code's managed settings, root's, which containers get read-only.
# Older versions put them in the user's settings on EFS, which every project could write.
"$MINT_ROOT/usr/local/bin/mint-idle" hooks --settings "$MINT_ROOT/etc/claude-code/managed-settings.json"
"$MINT_ROOT/usr/local/bin/mint-idle" hooks --remove --settings "$MINT_ROOT/mint/user/home/.claude/settings.json"
# The devcontainer CLI cannot mount anything read-only, but a bind of a read-only mount is
# read-only too: containers get this view of the managed settings (project.sh), which root in
# a container (no CAP_SYS_ADMIN) cannot remount. fstab brings it back at every boot.
install -d -m 0755 "$MINT_ROOT/etc/claude-code" "$MINT_ROOT/var/lib/mint/claude-code"
grep -q " /var/lib/mint/claude-code none " "$MINT_ROOT/etc/fstab" ||
  echo "/etc/claude-code /var/lib/mint/claude-code none bind,ro 0 0" >>"$MINT_ROOT/etc/fstab"
mountpoint -q "$MINT_ROOT/var/lib/mint/claude-code" || mount /var/lib/mint/claude-code

step=versions
log "step 7/8: recording versions"
install -d "$MINT_STATE"
component_versions >"$MINT_STATE/components"

step=health-check
log "step 8/8: health check (it records the bootstrap version when it passes)"
trap - EXIT
exec bash "$here/health-check.sh"
