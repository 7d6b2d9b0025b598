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
# Each project's own Claude and gh state, on EFS too, so it survives rebuilds. A project
# writes only its own: what it puts in its settings (a hook, an MCP server) runs in no other
# project and not on the host.
project_state="${MINT_PROJECT_STATE:-$(dirname "$state")/project-state}"
shared=(.claude .claude.json .config/gh)
events="${MINT_EVENTS_DIR:-/mint/events}"
# Mint's Claude hooks: a read-only view of Claude Code's managed settings (/etc/claude-code,
# root's), made by first boot; containers get it, and a bind of a read-only mount is read-only.
managed="${MINT_CLAUDE_MANAGED:-/var/lib/mint/claude-code}"

# seed NAME [fresh]: the project's Claude and gh state, made from the host's the first time
# (and again at a rebuild): the user's settings, CLAUDE.md and commands, agents and skills,
# Claude's account file, and gh's token only (gh's config.yml can define shell aliases).
# Copies go from the host to the project, never back.
seed() {
  local dir="$project_state/$1" p
  [ -d "$dir" ] && [ "${2:-}" != fresh ] && return 0
  install -d -m 0700 "$dir" "$dir/.claude" "$dir/.config" "$dir/.config/gh" 2>/dev/null ||
    fail "cannot create $dir for $1's own Claude and gh state (is $project_state the VM user's?)"
  for p in settings.json CLAUDE.md commands agents skills; do
    [ -e "$state/.claude/$p" ] && cp -R -- "$state/.claude/$p" "$dir/.claude/"
  done
  # Older Mint versions put their hooks here; now they come from the managed settings.
  if [ -f "$dir/.claude/settings.json" ] && command -v mint-idle >/dev/null; then
    mint-idle hooks --remove --settings "$dir/.claude/settings.json" >&2 || true
  fi
  if [ -f "$state/.claude.json" ]; then
    cp -- "$state/.claude.json" "$dir/.claude.json"
  else
    echo '{}' >"$dir/.claude.json"
  fi
  chmod 0600 "$dir/.claude.json"
}

# gh_token NAME: gh's login from the host, when it is newer than the project's copy.
gh_token() {
  local from="$state/.config/gh/hosts.yml" to="$project_state/$1/.config/gh/hosts.yml"
  [ -f "$from" ] || return 0
  [ -f "$to" ] && [ ! "$from" -nt "$to" ] && return 0
  install -m 0600 -- "$from" "$to"
}

# Egress allowlists (mint-idle keeps each project's policy in $root/.mint, out of every
# container's reach). mint_idle runs it as the VM's user.
policies="$root/.mint"
mint_idle() { mint-idle egress "$@"; }

# egress_mode NAME: allowlist or open; on an unreadable policy (never read as open) the
# reason, and a failure status.
egress_mode() {
  local out
  # No policy: open (and no mint-idle call, which VMs made before allowlists cannot answer).
  [ -e "$policies/$1.egress.json" ] || { echo open; return 0; }
  out=$(mint_idle show --policies "$policies" -- "$1" 2>&1) || { echo "${out##*$'\n'}"; return 1; }
  case "$out" in *'"mode":"allowlist"'*) echo allowlist ;; *) echo open ;; esac
}

# confine NAME: the rules, the project's Docker network and the resolver made ready, as root;
# prints the network and its gateway, or the reason and a failure status. Without it no
# container starts.
confine() {
  local out rc=0
  out=$(sudo -n mint-idle egress up --policies "$policies" -- "$1" 2>&1) || rc=$?
  echo "${out##*$'\n'}"
  return "$rc"
}

# The devcontainer CLI's --docker-path: `docker run` on $MINT_DOCKER_NETWORK with the
# network's gateway as DNS server, the rest as is. Docker's own resolver asks servers given
# with --dns from the container's namespace, where the host's rules send DNS to Mint's
# resolver; the host's servers it would ask from the host's namespace, past the rules.
docker_on_network() {
  local f="$policies/docker-on-network"
  mkdir -p "$policies"
  # shellcheck disable=SC2016 # the script's own variables
  printf '%s\n' '#!/bin/sh' \
    '# Written by project.sh: the devcontainer CLI runs the container on the confined network.' \
    'if [ "$1" = run ] && [ -n "${MINT_DOCKER_NETWORK:-}" ]; then' \
    '  shift; exec docker run --network "$MINT_DOCKER_NETWORK" --dns "$MINT_DOCKER_DNS" "$@"' \
    'fi' \
    'exec docker "$@"' >"$f.new"
  chmod 0755 "$f.new" && mv "$f.new" "$f"
  echo "$f"
}

# isolate CONTAINER: off every network (what a container that cannot be confined gets).
isolate() {
  local n
  for n in $(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$1" 2>/dev/null); do
    docker network disconnect "$n" "$1" >&2 || true
  done
}

# switch NAME CONTAINER MODE [CONFINED]: the container (running or not) onto the networks MODE
# gives it; CONFINED is confine's output when the caller has it. A container that cannot be
# confined (a failure, or one made open, whose DNS settings would go past the rules) is
# taken off every network, so it is never left open.
switch() {
  local name=$1 cid=$2 out=${4:-} nets n net gw dns
  nets=$(docker inspect -f '{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}' "$cid" 2>/dev/null) || return 0
  if [ "$3" = allowlist ]; then
    [ -n "$out" ] || out=$(confine "$name") || {
      isolate "$cid"
      fail "$name cannot be confined, so its container was taken off every network: $out"
    }
    read -r net gw <<<"$out"
    dns=$(docker inspect -f '{{join .HostConfig.Dns " "}}' "$cid" 2>/dev/null || true)
    case " $dns " in *" $gw "*) ;; *)
      isolate "$cid"
      fail "$name's container was made open, with DNS that would go past the allowlist, so it was taken off every network; mint project rebuild $name makes it again, confined" ;;
    esac
    for n in $nets; do [ "$n" = "$net" ] || docker network disconnect "$n" "$cid" >&2 ||
      fail "cannot take $name's container off network $n"; done
    case " $nets " in *" $net "*) ;; *) docker network connect "$net" "$cid" >&2 ||
      fail "cannot put $name's container on $net (it has no network now); mint project rebuild $name makes it again" ;; esac
  else
    # Only a container Mint confined is moved; an open project's own networks (host network,
    # Compose's) are its own.
    case " $nets " in *" mint-egress-"*) ;; *) return 0 ;; esac
    case " $nets " in *" bridge "*) ;; *) docker network connect bridge "$cid" >&2 ||
      fail "cannot put $name's container back on Docker's bridge network" ;; esac
    for n in $nets; do case "$n" in mint-egress-*) docker network disconnect "$n" "$cid" >&2 || true ;; esac; done
  fi
}

# egress NAME allowlist|open|show: the policy; an existing container moves at once.
egress() {
  local name=$1 cid
  [ -d "$root/$name/.git" ] || missing "no project $name in $root"
  if [ "$2" = show ]; then
    mint_idle show --policies "$policies" -- "$name"
    return
  fi
  mint_idle mode --policies "$policies" -- "$name" "$2" || fail "cannot set the egress of $name"
  cid=$(docker ps -aq --filter "label=devcontainer.local_folder=$root/$name" 2>/dev/null | head -n 1)
  [ -z "$cid" ] || switch "$name" "$cid" "$2"
}

# allow|deny NAME ENTRY…: the allowlist; the resolver reads it at the next query.
allow() {
  local name=$1
  shift
  [ -d "$root/$name/.git" ] || missing "no project $name in $root"
  mint_idle allow --policies "$policies" -- "$name" "$@" || fail "cannot change the allowlist of $name"
}
deny() {
  local name=$1
  shift
  [ -d "$root/$name/.git" ] || missing "no project $name in $root"
  mint_idle deny --policies "$policies" -- "$name" "$@" || fail "cannot change the allowlist of $name"
}

# blocked NAME: what the resolver refused the project.
blocked() {
  [ -d "$root/$1/.git" ] || missing "no project $1 in $root"
  mint_idle blocked -- "$1" || fail "cannot read what $1 was refused"
}

# container NAME [rebuild]: devcontainer up; its JSON result is the last stdout line. Every
# container gets its project's Claude and gh state by bind mount, at the path the host's
# has; over it the one Claude credentials file the host and every project share (Claude
# writes it in place when a rename meets the bind mount), so one login serves all.
container() {
  local name=$1 dir="$root/$1" extra=() p fresh="" mode cid out=""
  [ -d "$dir" ] || missing "no project $name in $root"
  [ "${2:-}" = rebuild ] && extra+=(--remove-existing-container) && fresh=fresh
  # A confined project's container is made on its network, and one made before is moved
  # there before it starts: it never runs open by surprise.
  mode=$(egress_mode "$name") || fail "cannot read the egress policy of $name: $mode"
  cid=$(docker ps -aq --filter "label=devcontainer.local_folder=$dir" 2>/dev/null | head -n 1)
  if [ "$mode" = allowlist ]; then
    out=$(confine "$name") || {
      [ -z "$cid" ] || isolate "$cid"
      fail "$name cannot be confined, so its container is not started: $out"
    }
    export MINT_DOCKER_NETWORK MINT_DOCKER_DNS
    read -r MINT_DOCKER_NETWORK MINT_DOCKER_DNS <<<"$out"
    extra+=(--docker-path "$(docker_on_network)")
  fi
  # A rebuild replaces the container: only one that stays is moved.
  [ -n "$fresh" ] || [ -z "$cid" ] || switch "$name" "$cid" "$mode" "$out"
  seed "$name" "$fresh"
  gh_token "$name"
  for p in "${shared[@]}"; do
    extra+=(--mount "type=bind,source=$project_state/$name/$p,target=/mint/user/home/$p")
  done
  if [ -f "$state/.claude/.credentials.json" ]; then
    extra+=(--mount "type=bind,source=$state/.claude/.credentials.json,target=/mint/user/home/.claude/.credentials.json")
  else
    echo "mint-note: Claude is not logged in on this VM yet; log in on the host (mint ssh, then claude) and every project shares that login from its next start"
  fi
  # The CLI's --mount has no read-only option, so the source itself must be a read-only mount;
  # a writable one is never handed to a container.
  if findmnt -n -o OPTIONS --mountpoint "$managed" 2>/dev/null | grep -qE '(^|,)ro(,|$)'; then
    extra+=(--mount "type=bind,source=$managed,target=/etc/claude-code")
  else
    echo "mint-note: $managed is not a read-only mount, so Claude in $name sends no notifications; mint recreate sets it up"
  fi
  # Claude's hook events leave the container through this directory only (no network).
  mkdir -p "$events/$name"
  extra+=(--mount "type=bind,source=$events/$name,target=/mint/events")
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
# at the bind mounts, so the project's login and settings survive rebuilds (its home is only
# known once the container runs).
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
  local name=$1 dir="$root/$1" file mode
  [ -d "$dir" ] || missing "no project $name in $root"
  [ -e "$root/.mint/$name.trust-host" ] && echo "mint-trusted"
  mode=$(egress_mode "$name") || fail "cannot read the egress policy of $name: $mode"
  echo "mint-egress $mode"
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
  rm -f -- "$policies/$1.egress.json" "$root/.mint/$1.trust-host"
  echo "removed"
}

# list: one line per project and per tmux session, tab-separated.
list() {
  local d name branch state trusted egress
  [ -d "$root" ] || return 0
  for d in "$root"/*/; do
    [ -d "$d/.git" ] || continue
    d=${d%/}
    name=${d##*/}
    branch=$(git -C "$d" rev-parse --abbrev-ref HEAD 2>/dev/null || echo "")
    state=$(docker ps -a --filter "label=devcontainer.local_folder=$d" --format '{{.State}}' 2>/dev/null | head -n 1)
    trusted=""
    [ -e "$root/.mint/$name.trust-host" ] && trusted="trusted"
    egress=open
    grep -qs '"mode": *"allowlist"' "$policies/$name.egress.json" && egress=allowlist
    printf 'project\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$d" "$branch" "$state" "$trusted" "$egress"
  done
  # The client's tmux session format (ssh/tmux.rs): tmux mangles tabs when not on a
  # terminal, and session names cannot hold `:`.
  tmux list-sessions -F 'session:#{session_windows}:#{session_attached}:#{session_created}:#{session_name}' 2>/dev/null || true
}

action=${1:-}
shift || true
case "$action" in
  clone | config | trust | remove | container | session | list | egress | allow | deny | blocked) "$action" "$@" ;;
  *) fail "unknown action '$action'" ;;
esac
