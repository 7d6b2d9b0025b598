#!/bin/bash
# The VM side of `mint project`, sent over ssh as `bash -s -- <action> <args…>`. Arguments
# arrive as positional parameters and are only ever used quoted, never as code.
# Errors are one `mint-error: …` line on stdout and exit 3 (4: no such project).
set -euo pipefail

root="${MINT_PROJECTS:-/mint/projects}"
# For repos without .devcontainer/ (stated in the README).
default_image="mcr.microsoft.com/devcontainers/base:ubuntu-24.04"

fail() {
  echo "mint-error: $*"
  exit 3
}

missing() {
  echo "mint-error: $*"
  exit 4
}

# clone URL BRANCH NAME: a no-op when the same remote is already there.
clone() {
  local url=$1 branch=$2 dir="$root/$3" have
  if [ -e "$dir" ]; then
    [ -d "$dir/.git" ] || fail "$dir exists and is not a git repository; pick another --name"
    have=$(git -C "$dir" remote get-url origin 2>/dev/null || true)
    [ "$have" = "$url" ] || fail "$dir already holds a clone of ${have:-another repository}; pick another --name"
    echo "present"
    return
  fi
  mkdir -p "$root"
  local args=(clone --quiet)
  [ -n "$branch" ] && args+=(--branch "$branch")
  git "${args[@]}" -- "$url" "$dir" >&2 || fail "git clone of $url failed"
  echo "cloned"
}

# Claude's login and gh's config live here on EFS (first-boot.sh links the host's ~ to it).
state="${MINT_USER_HOME:-/mint/user/home}"
shared=(.claude .claude.json .config/gh)
events="${MINT_EVENTS_DIR:-/mint/events}"

# container NAME [rebuild]: devcontainer up; its JSON result is the last stdout line. Every
# container gets the shared Claude and gh state by bind mount, at the path it has on the host.
container() {
  local name=$1 dir="$root/$1" extra=() p
  [ -d "$dir" ] || missing "no project $name in $root"
  [ "${2:-}" = rebuild ] && extra+=(--remove-existing-container)
  for p in "${shared[@]}"; do
    [ -e "$state/$p" ] && extra+=(--mount "type=bind,source=$state/$p,target=/mint/user/home/$p")
  done
  # Claude's hook events leave the container through this directory only (no network).
  mkdir -p "$events/$name"
  extra+=(--mount "type=bind,source=$events/$name,target=/mint/events")
  if command -v mint-idle >/dev/null && [ -d "$state/.claude" ]; then
    mint-idle hooks --settings "$state/.claude/settings.json" >&2 ||
      echo "mint-note: could not add Mint's Claude hooks; notifications from $name will be missing"
  fi
  if [ ! -f "$dir/.devcontainer/devcontainer.json" ] && [ ! -f "$dir/.devcontainer.json" ]; then
    echo "mint-note: $name has no .devcontainer/; using $default_image"
    mkdir -p "$root/.mint"
    printf '{"name": "%s", "image": "%s"}\n' "$name" "$default_image" >"$root/.mint/$name.json"
    extra+=(--override-config "$root/.mint/$name.json")
  fi
  DOCKER_BUILDKIT=1 devcontainer up --workspace-folder "$dir" --buildkit auto "${extra[@]}" ||
    fail "devcontainer up failed for $name (run with --verbose to see its output)"
}

# link CONTAINER USER: the container user's ~/.claude, ~/.claude.json and ~/.config/gh point
# at the bind mounts, so one `claude` login serves every container (its home is only known
# once the container runs).
link_state() {
  docker exec -u "$2" "$1" sh -c 'for p in "$@"; do
      [ -e "/mint/user/home/$p" ] && [ ! -L "$HOME/$p" ] || continue
      mkdir -p "$(dirname "$HOME/$p")"
      [ ! -e "$HOME/$p" ] || mv "$HOME/$p" "$HOME/$p.mint-orig"
      ln -s "/mint/user/home/$p" "$HOME/$p"
    done' sh "${shared[@]}" >&2 ||
    echo "mint-note: could not link Claude and gh state into the container (as $2)"
}

# session NAME SESSION CONTAINER FOLDER USER [replace]: a tmux session (named SESSION, which
# the client derives from NAME the way tmux would) whose shell is inside the container, as
# the devcontainer's remoteUser in its workspace folder.
session() {
  local name=$1 session=$2 cid=$3 folder=$4 user=$5
  link_state "$cid" "$user"
  if tmux has-session -t "=$session" 2>/dev/null; then
    [ "${6:-}" = replace ] || { echo "present"; return; }
    tmux kill-session -t "=$session"
  fi
  tmux new-session -d -s "$session" -c "$root/$name" \
    "docker exec -it -u '$user' -w '$folder' '$cid' bash -l || exec bash -l"
  echo "created"
}

# config NAME: the configuration as the devcontainer CLI reads it (comments, `extends` and
# features merged), for the client's check of host-reaching options; then the lines of the
# project's devcontainer.json that may name one (`mint-source LINE:TEXT`), and whether the
# project is trusted with them (`mint-trusted`). Mint's default image has none.
config() {
  local name=$1 dir="$root/$1" file
  [ -d "$dir" ] || missing "no project $name in $root"
  [ -e "$root/.mint/$name.trust-host" ] && echo "mint-trusted"
  file="$dir/.devcontainer/devcontainer.json"
  [ -f "$file" ] || file="$dir/.devcontainer.json"
  if [ ! -f "$file" ]; then
    echo '{}'
    return
  fi
  devcontainer read-configuration --workspace-folder "$dir" --include-merged-configuration \
    --log-level error || fail "the devcontainer CLI cannot read the configuration of $name"
  grep -n -E 'initializeCommand|privileged|capAdd|runArgs|mounts|--|docker\.sock' "$file" |
    cut -c1-200 | sed 's/^/mint-source /' || true
}

# trust NAME yes|no: whether the project may use host-reaching options (`--trust-host`).
trust() {
  mkdir -p "$root/.mint"
  if [ "$2" = yes ]; then : >"$root/.mint/$1.trust-host"; else rm -f "$root/.mint/$1.trust-host"; fi
  echo "ok"
}

# remove NAME: a clone `project add` made and then refused, so no half-made project stays.
remove() {
  [ -d "$root/$1/.git" ] || missing "no project $1 in $root"
  rm -rf -- "${root:?}/$1"
  echo "removed"
}

# list: one line per project and per tmux session, tab-separated.
list() {
  local d name branch state trusted
  [ -d "$root" ] || return 0
  for d in "$root"/*/; do
    [ -d "$d/.git" ] || continue
    d=${d%/}
    name=${d##*/}
    branch=$(git -C "$d" rev-parse --abbrev-ref HEAD 2>/dev/null || echo "")
    state=$(docker ps -a --filter "label=devcontainer.local_folder=$d" --format '{{.State}}' 2>/dev/null | head -n 1)
    trusted=""
    [ -e "$root/.mint/$name.trust-host" ] && trusted="trusted"
    printf 'project\t%s\t%s\t%s\t%s\t%s\n' "$name" "$d" "$branch" "$state" "$trusted"
  done
  # The client's tmux session format (ssh/tmux.rs): tmux mangles tabs when not on a
  # terminal, and session names cannot hold `:`.
  tmux list-sessions -F 'session:#{session_windows}:#{session_attached}:#{session_created}:#{session_name}' 2>/dev/null || true
}

action=${1:-}
shift || true
case "$action" in
  clone | config | trust | remove | container | session | list) "$action" "$@" ;;
  *) fail "unknown action '$action'" ;;
esac
