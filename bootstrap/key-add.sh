#!/bin/bash
# The VM side of `mint key add`, sent over ssh as `bash -s -- '<public key>'`: the key is
# appended to ~/.ssh/authorized_keys once (on EFS: every VM of yours gets it at its next
# boot), and the local copy this VM's sshd reads (first boot made it, owned by this user) is
# refreshed, so it works here at once. Prints `added` or `present`.
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
[ -w "$local_copy" ] || { echo "cannot write $local_copy, the key list sshd reads" >&2; exit 1; }
cat ~/.ssh/authorized_keys >"$local_copy"
