# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mint_connect_global_optspecs
    string join \n verbose debug owner-arn-mismatch-ok h/help V/version
end

function __fish_mint_connect_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mint_connect_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mint_connect_using_subcommand
    set -l cmd (__fish_mint_connect_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mint-connect -n "__fish_mint_connect_needs_command" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -s V -l version -d 'Print version'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "ssh" -d 'Open an SSH session to the VM, or run a command on it'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "mosh" -d 'Open a mosh session to the VM (ssh for the handshake, then UDP)'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "connect" -d 'Open mosh and attach to a tmux session (a picker when several exist)'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "sessions" -d 'List the tmux sessions on the VM, and each Claude session\'s last state'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "notify" -d 'Notifications when Claude waits for you and before the VM stops (one channel for all your VMs)'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "ssh-config" -d 'Write the VM\'s `Host mint-<vm>` entry for ssh and VS Code'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "code" -d 'Open VS Code on the VM (or on one project) over Remote-SSH'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "key" -d 'Manage keys for clients that cannot use Instance Connect'
complete -c mint-connect -n "__fish_mint_connect_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand mosh" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand connect" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -l json -d 'One JSON object per session (tmux sessions, then Claude sessions, which carry `session_id`)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand sessions" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -f -a "set" -d 'Send notifications to an ntfy topic URL (its phone app gives iPad push) or a webhook (JSON POST)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -f -a "show" -d 'Show the channel'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -f -a "test" -d 'Send a test message through the VM and report the HTTP result'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -f -a "off" -d 'Stop sending notifications'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and not __fish_seen_subcommand_from set show test off help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l kind -d 'How to post (default: ntfy when the host\'s name says so, else webhook)' -r -f -a "ntfy\t'ntfy (ntfy.sh or self-hosted): the message is the body, the title a header'
webhook\t'Any HTTP endpoint: a JSON object with title, message, action, event, vm, project'"
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-url -d 'For a webhook: the ntfy topic URL its answer buttons post to (ntfy channels get one of their own)' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-timeout -d 'Seconds Claude waits for a tap on a permission request or question before asking in the terminal (5-540) [default: 120]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from show" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from show" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from show" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from show" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -l answer -d 'Send a sample question with buttons and wait for your tap (checks answering Claude from the phone end to end)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from off" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from off" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from off" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from off" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "set" -d 'Send notifications to an ntfy topic URL (its phone app gives iPad push) or a webhook (JSON POST)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the channel'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test message through the VM and report the HTTP result'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "off" -d 'Stop sending notifications'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -s y -l yes -d 'Approve adding the Include line to ~/.ssh/config without asking'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand ssh-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -s y -l yes -d 'Approve adding the Include line to ~/.ssh/config without asking'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand code" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -f -a "add" -d 'Add a public key to the VM\'s ~/.ssh/authorized_keys (once; adding it again changes nothing)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and not __fish_seen_subcommand_from add help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from add" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from add" -l verbose -d 'Show progress steps'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from add" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from add" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "add" -d 'Add a public key to the VM\'s ~/.ssh/authorized_keys (once; adding it again changes nothing)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand key; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "ssh" -d 'Open an SSH session to the VM, or run a command on it'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "mosh" -d 'Open a mosh session to the VM (ssh for the handshake, then UDP)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "connect" -d 'Open mosh and attach to a tmux session (a picker when several exist)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "sessions" -d 'List the tmux sessions on the VM, and each Claude session\'s last state'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "notify" -d 'Notifications when Claude waits for you and before the VM stops (one channel for all your VMs)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "ssh-config" -d 'Write the VM\'s `Host mint-<vm>` entry for ssh and VS Code'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "code" -d 'Open VS Code on the VM (or on one project) over Remote-SSH'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "key" -d 'Manage keys for clients that cannot use Instance Connect'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and not __fish_seen_subcommand_from ssh mosh connect sessions notify ssh-config code key help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "set" -d 'Send notifications to an ntfy topic URL (its phone app gives iPad push) or a webhook (JSON POST)'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "show" -d 'Show the channel'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "test" -d 'Send a test message through the VM and report the HTTP result'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "off" -d 'Stop sending notifications'
complete -c mint-connect -n "__fish_mint_connect_using_subcommand help; and __fish_seen_subcommand_from key" -f -a "add" -d 'Add a public key to the VM\'s ~/.ssh/authorized_keys (once; adding it again changes nothing)'
