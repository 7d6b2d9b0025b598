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

# Components whose version differs from the one first boot recorded: "name|recorded|now".
drifted() {
  [ -s "$state/components" ] || return 0
  join -t '|' <(normalized_versions <"$state/components" | sed 's/ /|/' | sort) \
    <(component_versions | normalized_versions | sed 's/ /|/' | sort) |
    awk -F'|' '$2 != $3'
}

active() { systemctl is-active --quiet "$1" && echo active || echo inactive; }

case "${1:-check}" in
  check)
    [ -s "$state/bootstrap-version" ] && echo "bootstrap-version $(cat "$state/bootstrap-version")" ||
      echo "bootstrap-version none"
    drifted | while IFS='|' read -r name was now; do echo "drift $name|$was|$now"; done
    echo "docker $(active docker)"
    echo "idle-timer $(active mint-idle.timer)"
    ;;
  fix)
    pkgs=()
    while IFS='|' read -r name _ now; do
      if [ "$now" = missing ] && [ -n "$(package_of "$name")" ]; then pkgs+=("$(package_of "$name")"); fi
    done < <(drifted)
    if [ "${#pkgs[@]}" -gt 0 ]; then
      echo "reinstalling ${pkgs[*]}"
      sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -q --reinstall "${pkgs[@]}" || exit 1
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
