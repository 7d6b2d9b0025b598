# shellcheck shell=bash
# Shared by Mint's VM scripts (sourced, not run): logging, IMDSv2 reads, tagging this
# instance, the local copy of authorized_keys, and the component versions reconcile compares.
# MINT_ROOT prefixes every path the scripts write; it is empty on a VM.
MINT_ROOT="${MINT_ROOT:-}"
# shellcheck disable=SC2034 # used by the scripts that source this file
MINT_STATE="$MINT_ROOT/var/lib/mint"
# The SDK's own variable, so a test or a proxy can stand in for 169.254.169.254.
IMDS="${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://169.254.169.254}"
IMDS="${IMDS%/}"

log() { echo "mint[$(basename "$0")]: $*"; }
# The bootstrap's outcome on the serial console, which `mint up` reads (GetConsoleOutput)
# when the instance role cannot tag: "mint-bootstrap: complete" or "mint-bootstrap: failed:
# <step>". Step names only, never a setting or a secret.
console() { echo "mint-bootstrap: $*" >>"$MINT_ROOT/dev/console" 2>/dev/null || true; }
# `<4>` makes it a warning in the journal (the scripts run as systemd units after first boot).
warn() { echo "<4>mint[$(basename "$0")]: $*"; }
die() { log "FAILED: $*"; exit 1; }

imds() {
  local token
  token=$(curl -fsS --max-time 10 -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "$IMDS/latest/api/token") &&
    curl -fsS --max-time 10 -H "X-aws-ec2-metadata-token: $token" "$IMDS/latest/meta-data/$1"
}

# Bounded, so a stalled server fails the step instead of holding the boot.
fetch() { curl -fsSL --connect-timeout 10 --max-time 300 --retry 5 -o "$2" "$1"; }
# pinned URL SHA256 FILE: FILE appears only with the pinned content.
pinned() {
  fetch "$1" "$3.download"
  echo "$2  $3.download" | sha256sum -c --status || die "$1 does not match its pinned SHA256 $2"
  mv "$3.download" "$3"
}

# mint-idle from its pin (MINT_IDLE_URL, MINT_IDLE_SHA256 in settings.env), unless the
# binary there came from that pin (mint-idle.pin) and runs. First boot and `mint doctor
# --fix` install it this one way.
install_mint_idle() {
  local bin="$MINT_ROOT/usr/local/bin/mint-idle"
  if [ "$(cat "$bin.pin" 2>/dev/null)" = "$MINT_IDLE_SHA256" ] && [ -x "$bin" ]; then return 0; fi
  pinned "$MINT_IDLE_URL" "$MINT_IDLE_SHA256" "$bin.artifact"
  case "$MINT_IDLE_URL" in
    # dist archives hold their files under one top directory.
    *.tar.gz) tar -xzf "$bin.artifact" -O --wildcards '*/mint-idle' >"$bin.new" ||
      die "the archive $MINT_IDLE_URL holds no mint-idle" ;;
    *) cp "$bin.artifact" "$bin.new" ;;
  esac
  rm "$bin.artifact"
  chmod 0755 "$bin.new"
  mv "$bin.new" "$bin"
  echo "$MINT_IDLE_SHA256" >"$bin.pin"
}

# The devcontainer CLI release Mint is tested with.
DEVCONTAINER_CLI=0.89.0
install_devcontainer_cli() {
  npm install -g --fetch-timeout=60000 --fetch-retries=3 "@devcontainers/cli@$DEVCONTAINER_CLI"
}

# tag_self KEY=VALUE...: one CreateTags on this instance, by mint-idle (installed first, so
# this works before the AWS CLI is there), else by the AWS CLI.
tag_self() {
  local idle="$MINT_ROOT/usr/local/bin/mint-idle" id region args=() kv
  if [ -x "$idle" ]; then "$idle" tag "$@"; return; fi
  if ! id=$(imds instance-id) || ! region=$(imds placement/region); then
    die "cannot read instance metadata"
  fi
  for kv in "$@"; do args+=("Key=${kv%%=*},Value=${kv#*=}"); done
  aws ec2 create-tags --region "$region" --resources "$id" --tags "${args[@]}"
}

# sshd reads only /etc/ssh/mint-keys/ubuntu, a local copy of ~/.ssh/authorized_keys (on EFS,
# shared by your VMs): this refreshes it, bounded, so neither a login nor a boot waits on
# EFS. The copy always exists and is the user's, so `mint key add` can write it.
sync_local_keys() {
  local src="$MINT_ROOT/mint/user/home/.ssh/authorized_keys" dst="$MINT_ROOT/etc/ssh/mint-keys/ubuntu"
  [ -d "${dst%/*}" ] || return 0
  [ -e "$dst" ] || install -m 0600 -o 1000 -g 1000 /dev/null "$dst"
  if timeout 20 cat "$src" >"$dst.new" 2>/dev/null; then
    chown 1000:1000 "$dst.new" && chmod 0600 "$dst.new" && mv "$dst.new" "$dst"
  else
    rm -f "$dst.new"
    warn "cannot read $src; sshd keeps the local copy"
  fi
}

# One "name version" line per component the bootstrap installs; "missing" if absent.
component_versions() {
  local c run
  for c in docker devcontainer tmux mosh-server git gh node aws mint-idle; do
    run=$c
    # mint-idle is where first boot installs it (the units run it from there).
    [ "$c" = mint-idle ] && run="$MINT_ROOT/usr/local/bin/mint-idle"
    if ! command -v "$run" >/dev/null; then
      echo "$c missing"
    elif [ "$c" = tmux ]; then
      echo "tmux $(tmux -V)"
    else
      echo "$c $("$run" --version 2>&1 | head -n1)"
    fi
  done
}

# compare_versions RECORDED CURRENT (files of normalized_versions lines): one line per
# component that changed, "drift NAME OLD -> NEW" when it went missing or its major version
# changed, "update NAME OLD -> NEW" for a change within the major version (a routine
# security update: logged, not drift).
compare_versions() {
  awk 'NR == FNR { was[$1] = $2; next }
       { now = $2; old = ($1 in was) ? was[$1] : "missing"
         if (now == old && now != "missing") next
         split(old, o, "."); split(now, c, ".")
         kind = (now == "missing" || old == "missing" || o[1] != c[1]) ? "drift" : "update"
         print kind, $1, old, "->", now }' "$1" "$2"
}

# Reads component_versions lines and keeps the version number only ("aws 2.15.0", not the
# whole `aws --version` line with Python and kernel releases), so routine changes that are
# not the component's own version do not read as drift. "missing" stays "missing".
normalized_versions() {
  awk '{ n = $1; $1 = ""
         if ($0 ~ /^ missing$/) print n " missing"
         else if (match($0, /[0-9]+(\.[0-9]+)+/)) print n " " substr($0, RSTART, RLENGTH)
         else print n $0 }'
}
