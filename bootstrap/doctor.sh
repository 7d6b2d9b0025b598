# shellcheck shell=bash
# `mint doctor` on the VM, sent over ssh after common.sh (which defines MINT_STATE and
# component_versions and normalized_versions). `check` prints one `KEY VALUE...` line per finding; `fix` re-runs the
# idempotent bootstrap steps for what `check` found, then the reconcile unit. Never touches
# /mint/projects or /mint/user.
set -uo pipefail
# shellcheck disable=SC2154 # MINT_STATE comes from common.sh
state="$MINT_STATE"

# Debian package of each component bootstrap installs from apt.
package_of() {
  case "$1" in
    docker) echo docker.io ;; tmux) echo tmux ;; mosh-server) echo mosh ;;
    git) echo git ;; gh) echo gh ;; node) echo nodejs ;; *) ;;
  esac
}

# Components that drifted from what first boot recorded (missing, or a new major version):
# "name|recorded|now".
drifted() {
  [ -s "$state/components" ] || return 0
  compare_versions <(normalized_versions <"$state/components") <(component_versions | normalized_versions) |
    awk '$1 == "drift" { print $2 "|" $3 "|" $5 }'
}

# As root, the bootstrap's own installer for a component that is not an apt package.
reinstall() {
  local lib="$MINT_ROOT/usr/local/lib/mint/bootstrap"
  # shellcheck disable=SC2016 # expanded by the root shell, after sourcing
  sudo env MINT_ROOT="$MINT_ROOT" HOME=/root bash -c \
    '. "$1/common.sh" && . "$1/settings.env" && "$2"' reinstall "$lib" "$1"
}

active() { systemctl is-active --quiet "$1" && echo active || echo inactive; }

case "${1:-check}" in
  check)
    [ -s "$state/bootstrap-version" ] && echo "bootstrap-version $(cat "$state/bootstrap-version")" ||
      echo "bootstrap-version none"
    drifted | while IFS='|' read -r name was now; do echo "drift $name|$was|$now"; done
    echo "docker $(active docker)"
    echo "idle-timer $(active mint-idle.timer)"
    echo "egress $(active mint-egress.service)"
    ;;
  fix)
    pkgs=()
    while IFS='|' read -r name _ now; do
      [ "$now" = missing ] || continue
      case "$name" in
        # Each from its pin, as first boot installs it.
        mint-idle) echo "reinstalling mint-idle from its pinned artifact"; reinstall install_mint_idle || exit 1 ;;
        devcontainer) echo "reinstalling the devcontainer CLI"; reinstall install_devcontainer_cli || exit 1 ;;
        aws) echo "reinstalling the AWS CLI"; sudo snap install aws-cli --classic || exit 1 ;;
        *) [ -z "$(package_of "$name")" ] || pkgs+=("$(package_of "$name")") ;;
      esac
    done < <(drifted)
    if [ "${#pkgs[@]}" -gt 0 ]; then
      echo "reinstalling ${pkgs[*]}"
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "${pkgs[@]}" || exit 1
    fi
    # Never recorded, never healthy: what is still missing fails the repair.
    still=$(component_versions | awk '$2 == "missing" { print $1 }' | tr '\n' ' ')
    if [ -n "$still" ]; then
      echo "still missing after the repair: $still"
      exit 1
    fi
    [ "$(active docker)" = active ] || { echo "starting docker"; sudo systemctl enable --now docker || exit 1; }
    [ "$(active mint-idle.timer)" = active ] ||
      { echo "starting mint-idle.timer"; sudo systemctl enable --now mint-idle.timer || exit 1; }
    # What is installed now is what bootstrap would install today: record it, as first boot
    # does, so reconcile compares against it from here on.
    component_versions | sudo tee "$state/components" >/dev/null || exit 1
    echo "running mint-reconcile.service"
    sudo systemctl start mint-reconcile.service || exit 1
    ;;
  *) echo "usage: doctor.sh check|fix" >&2; exit 2 ;;
esac
