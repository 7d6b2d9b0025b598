#!/bin/bash
# Mint first boot, run as root from user data (Ubuntu 24.04). Installs the VM's software,
# mounts its volumes, installs mint-idle, then runs the health check. Every step checks
# before it acts, so a re-run after a half-finished boot only finishes the job.
set -euo pipefail
here=$(dirname "$0")
# shellcheck source-path=SCRIPTDIR source=common.sh
. "$here/common.sh"
# shellcheck source=/dev/null
. "$here/settings.env"
: "${MINT_BOOTSTRAP_VERSION:?}" "${MINT_IDLE_URL:?}" "${MINT_IDLE_SHA256:?}"
export DEBIAN_FRONTEND=noninteractive
home="$MINT_ROOT/home/ubuntu"

log "step 1/8: packages (Docker, Compose, BuildKit, tmux, mosh, git, gh, Node.js LTS)"
install -d -m 0755 "$MINT_ROOT/etc/apt/keyrings"
if [ ! -s "$MINT_ROOT/etc/apt/keyrings/nodesource.gpg" ]; then
  curl -fsSL https://deb.nodesource.com/gpgkey/nodesource-repo.gpg.key |
    gpg --dearmor -o "$MINT_ROOT/etc/apt/keyrings/nodesource.gpg"
fi
echo "deb [signed-by=/etc/apt/keyrings/nodesource.gpg] https://deb.nodesource.com/node_22.x nodistro main" \
  >"$MINT_ROOT/etc/apt/sources.list.d/nodesource.list"
pkgs=(docker.io docker-compose-v2 docker-buildx tmux mosh git gh nodejs nfs-common
  ec2-instance-connect jq)
if [ "$(dpkg-query -W -f='${db:Status-Abbrev}\n' "${pkgs[@]}" 2>/dev/null | grep -c '^ii')" != "${#pkgs[@]}" ]; then
  apt-get update -q
  apt-get install -y -q "${pkgs[@]}"
fi
command -v aws >/dev/null || snap install aws-cli --classic
command -v devcontainer >/dev/null || npm install -g @devcontainers/cli

log "step 2/8: Docker (BuildKit cache stays on the root volume, under /var/lib/docker)"
install -d "$MINT_ROOT/etc/docker"
install -m 0644 "$here/docker-daemon.json" "$MINT_ROOT/etc/docker/daemon.json"
usermod -aG docker ubuntu
systemctl enable --now docker

log "step 3/8: sshd on 41122, keys only; tmux and mosh settings"
install -m 0644 "$here/sshd-mint.conf" "$MINT_ROOT/etc/ssh/sshd_config.d/60-mint.conf"
sshd -t || die "sshd rejects its config"
# Ubuntu 24.04 socket-activates sshd on port 22; the service reads Port from the config.
systemctl disable --now ssh.socket
systemctl enable ssh.service
systemctl restart ssh.service
install -m 0644 "$here/tmux.conf" "$MINT_ROOT/etc/tmux.conf"
# An abandoned mosh session ends after 30 min unreachable (pam_env reads this file), so it
# stops counting as activity; tmux keeps the work.
grep -q '^MOSH_SERVER_NETWORK_TMOUT=' "$MINT_ROOT/etc/environment" 2>/dev/null ||
  echo 'MOSH_SERVER_NETWORK_TMOUT=1800' >>"$MINT_ROOT/etc/environment"

log "step 4/8: project volume at /mint/projects"
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

log "step 5/8: your EFS access point at /mint/user"
efs="$MINT_EFS_ID.efs.$(imds placement/region).amazonaws.com"
opts="nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail"
install -d "$MINT_ROOT/mint/user"
grep -q " /mint/user nfs4 " "$MINT_ROOT/etc/fstab" ||
  echo "$efs:$MINT_EFS_PATH /mint/user nfs4 $opts 0 0" >>"$MINT_ROOT/etc/fstab"
if ! mountpoint -q "$MINT_ROOT/mint/user"; then
  if ! mount /mint/user; then
    # First VM of this user: the access point's directory does not exist yet.
    install -d "$MINT_ROOT/mnt/mint-efs"
    mount -t nfs4 -o "$opts" "$efs:/" /mnt/mint-efs
    install -d -o 1000 -g 1000 -m 0750 "$MINT_ROOT/mnt/mint-efs$MINT_EFS_PATH"
    umount /mnt/mint-efs
    mount /mint/user
  fi
fi
# Persistent config lives on EFS, shared by all your VMs; $HOME links to it.
install -d -o 1000 -g 1000 "$MINT_ROOT/mint/user/home"
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

log "step 6/8: mint-idle from $MINT_IDLE_URL"
bin="$MINT_ROOT/usr/local/bin/mint-idle"
# The pin is either the binary itself or a release archive holding it; the .pin file records
# which pinned artifact the installed binary came from, so a re-run skips the download.
if [ "$(cat "$bin.pin" 2>/dev/null)" != "$MINT_IDLE_SHA256" ] || [ ! -x "$bin" ]; then
  curl -fsSL --retry 5 -o "$bin.download" "$MINT_IDLE_URL"
  echo "$MINT_IDLE_SHA256  $bin.download" | sha256sum -c --status ||
    die "mint-idle from $MINT_IDLE_URL does not match its pinned SHA256 $MINT_IDLE_SHA256"
  case "$MINT_IDLE_URL" in
    *.tar.gz)
      # dist archives hold their files under one top directory.
      tar -xzf "$bin.download" -O --wildcards '*/mint-idle' >"$bin.unpacked" ||
        die "the archive $MINT_IDLE_URL holds no mint-idle"
      mv "$bin.unpacked" "$bin.download" ;;
  esac
  chmod 0755 "$bin.download"
  mv "$bin.download" "$bin"
  echo "$MINT_IDLE_SHA256" >"$bin.pin"
fi
for unit in mint-idle.service mint-idle.timer mint-reconcile.service; do
  install -m 0644 "$here/$unit" "$MINT_ROOT/etc/systemd/system/$unit"
done
systemctl daemon-reload
systemctl enable --now mint-idle.timer
# Runs on every later boot; this boot's check is the health check below.
systemctl enable mint-reconcile.service

log "step 7/8: recording versions"
install -d "$MINT_STATE"
component_versions >"$MINT_STATE/components"
echo "$MINT_BOOTSTRAP_VERSION" >"$MINT_STATE/bootstrap-version"

log "step 8/8: health check"
exec bash "$here/health-check.sh"
