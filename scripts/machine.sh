# shellcheck shell=bash
# What the loopback VM needs on this machine, shared by scripts/test and scripts/demo: Debian
# packages, and the `ubuntu` account the VM's sessions log in as. Sourced; `sudo` is empty
# when root.
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Installs those of the named packages that are missing (one apt run).
install_packages() {
  local p missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The loopback sshd logs in as the VM's user, `ubuntu`. A fresh `useradd` account is locked,
# and sshd (UsePAM no) refuses locked accounts: `-p '*'` unlocks it without giving it a
# password.
ensure_ubuntu_account() {
  id ubuntu >/dev/null 2>&1 || $sudo useradd -m -s /bin/bash ubuntu
  $sudo usermod -p '*' ubuntu
  $sudo mkdir -p /run/sshd
}
