#!/bin/bash
# The VM side of `mint key add`, sent over ssh as `bash -s -- '<public key>'`: the key is
# appended to ~/.ssh/authorized_keys once, and the local copy sshd reads first (first boot
# made it, owned by this user) is refreshed. Prints `added` or `present`.
set -euo pipefail

key=$1
umask 077
mkdir -p ~/.ssh
touch ~/.ssh/authorized_keys
if grep -qxF -- "$key" ~/.ssh/authorized_keys; then
  echo present
else
  printf '%s\n' "$key" >>~/.ssh/authorized_keys
  echo added
fi
local_copy="${MINT_LOCAL_KEYS:-/etc/ssh/mint-keys}/$(id -un)"
if [ -w "$local_copy" ]; then cat ~/.ssh/authorized_keys >"$local_copy"; fi
