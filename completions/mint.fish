# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mint_global_optspecs
    string join \n verbose debug owner-arn-mismatch-ok h/help V/version
end

function __fish_mint_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mint_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mint_using_subcommand
    set -l cmd (__fish_mint_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mint -n "__fish_mint_needs_command" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_needs_command" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_needs_command" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_needs_command" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_needs_command" -s V -l version -d 'Print version'
complete -c mint -n "__fish_mint_needs_command" -f -a "init" -d 'Set up Mint for you in a region: check the admin\'s resources, create your security group and EFS access point'
complete -c mint -n "__fish_mint_needs_command" -f -a "admin" -d 'One-time account setup for an AWS admin: CloudFormation stack and the mint-user policy'
complete -c mint -n "__fish_mint_needs_command" -f -a "up" -d 'Create and start a VM, or start it if it is stopped'
complete -c mint -n "__fish_mint_needs_command" -f -a "down" -d 'Stop a VM; its volumes, EFS and Elastic IP stay'
complete -c mint -n "__fish_mint_needs_command" -f -a "resize" -d 'Change a VM\'s instance type; volumes, Elastic IP and tags stay'
complete -c mint -n "__fish_mint_needs_command" -f -a "recreate" -d 'Replace a VM\'s instance and root volume; projects, Elastic IP and AZ stay'
complete -c mint -n "__fish_mint_needs_command" -f -a "destroy" -d 'Delete a VM: instance, root and project volumes, Elastic IP'
complete -c mint -n "__fish_mint_needs_command" -f -a "list" -d 'List your VMs: state, IP, type, uptime, idle timer'
complete -c mint -n "__fish_mint_needs_command" -f -a "status" -d 'Show everything AWS knows about one VM'
complete -c mint -n "__fish_mint_needs_command" -f -a "extend" -d 'Reset a running VM\'s idle auto-stop timer: it stays up at least MINUTES from now'
complete -c mint -n "__fish_mint_needs_command" -f -a "cost" -d 'What your VMs cost: per hour now, this month so far, and at the month\'s end'
complete -c mint -n "__fish_mint_needs_command" -f -a "wake-url" -d 'Print a URL that starts the VM from a phone, with no AWS keys on it; --rotate replaces it'
complete -c mint -n "__fish_mint_needs_command" -f -a "doctor" -d 'Check credentials, admin setup, quotas, ssh files and VM health; --fix repairs drift'
complete -c mint -n "__fish_mint_needs_command" -f -a "version" -d 'Print the version of every Mint tool, the commit, and the mint-idle new VMs get'
complete -c mint -n "__fish_mint_needs_command" -f -a "update" -d 'Replace the Mint tools with the latest release'
complete -c mint -n "__fish_mint_needs_command" -f -a "config" -d 'Show the configuration, or set a value with `config set KEY VALUE`'
complete -c mint -n "__fish_mint_needs_command" -f -a "ssh" -d 'Open an SSH session to the VM, or run a command on it'
complete -c mint -n "__fish_mint_needs_command" -f -a "mosh" -d 'Open a mosh session to the VM (ssh for the handshake, then UDP)'
complete -c mint -n "__fish_mint_needs_command" -f -a "connect" -d 'Open mosh and attach to a tmux session (a picker when several exist)'
complete -c mint -n "__fish_mint_needs_command" -f -a "sessions" -d 'List the tmux sessions on the VM, and each Claude session\'s last state'
complete -c mint -n "__fish_mint_needs_command" -f -a "notify" -d 'Notifications when Claude waits for you and before the VM stops (one channel for all your VMs)'
complete -c mint -n "__fish_mint_needs_command" -f -a "ssh-config" -d 'Write the VM\'s `Host mint-<vm>` entry for ssh and VS Code'
complete -c mint -n "__fish_mint_needs_command" -f -a "code" -d 'Open VS Code on the VM (or on one project) over Remote-SSH'
complete -c mint -n "__fish_mint_needs_command" -f -a "key" -d 'Manage keys for clients that cannot use Instance Connect'
complete -c mint -n "__fish_mint_needs_command" -f -a "project" -d 'Add, list or rebuild the projects on a VM'
complete -c mint -n "__fish_mint_needs_command" -f -a "help" -d 'List every command, or show one command\'s help (`mint help up`)'
complete -c mint -n "__fish_mint_using_subcommand init" -l region -d 'AWS region to use (stored in the config); required the first time' -r
complete -c mint -n "__fish_mint_using_subcommand init" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand init" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand init" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "setup" -d 'Deploy the admin stack and attach the mint-user policy: the whole one-time setup'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "deploy" -d 'Create or update the `mint-admin` CloudFormation stack'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "attach-policy" -d 'Attach the `mint-user` policy to the IAM groups, roles or users that run Mint'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "add-user" -d 'Give one user an EFS access point, instance role and profile of their own'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "status" -d 'Show the stack, its resources, and whether `mint init` would pass'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "template" -d 'Print the CloudFormation template `deploy` uses'
complete -c mint -n "__fish_mint_using_subcommand admin; and not __fish_seen_subcommand_from setup deploy attach-policy add-user status template teardown" -f -a "teardown" -d 'Delete the admin stack: role, profile, EFS (with all users\' config), policy'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l group -d 'An IAM group whose members run Mint (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l role -d 'An IAM role Mint\'s users assume (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l user -d 'An IAM user who runs Mint (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l users -d 'Give these users their own access point, role and profile (`mint admin add-user` for each; comma-separated)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -s y -l yes -d 'Do not ask before creating or updating the stack'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from setup" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -s y -l yes -d 'Do not ask before creating or updating the stack'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from deploy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l group -d 'An IAM group whose members run Mint (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l role -d 'An IAM role Mint\'s users assume (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l user -d 'An IAM user who runs Mint (repeatable)' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from attach-policy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l iam-user -d 'The IAM user who signs in as NAME, when the IAM user name differs [default: NAME, if such a user exists]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l json -d 'Print the result as JSON'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from add-user" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -l json -d 'Print the status as JSON'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from template" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from template" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from template" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from template" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -l region -d 'AWS region [default: the region in Mint\'s config]' -r
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -l force -d 'Delete even while Mint VMs or users\' access points exist'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -s y -l yes -d 'Do not ask for confirmation'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand admin; and __fish_seen_subcommand_from teardown" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand up" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand up" -l bootstrap-timeout -d 'How long to wait for the VM\'s bootstrap (e.g. 7m, 90s)' -r
complete -c mint -n "__fish_mint_using_subcommand up" -l on-timeout -d 'What to do if bootstrap does not finish in time (asked interactively otherwise; without a terminal: stop)' -r -f -a "stop\t'Stop the instance: halts billing, keeps it for debugging'
terminate\t'Tag it mint:bootstrap=failed, terminate it and clean up its resources'
leave\t'Leave it running to debug over SSH'"
complete -c mint -n "__fish_mint_using_subcommand up" -l instance-type -d 'The instance type of a new VM (default: the configured instance_type); `mint resize` changes an existing one\'s' -r
complete -c mint -n "__fish_mint_using_subcommand up" -l json -d 'Print the VM record as JSON'
complete -c mint -n "__fish_mint_using_subcommand up" -s y -l yes -d 'Answer yes to up\'s questions: adding Mint\'s Include line to ~/.ssh/config, starting a VM over its monthly budget'
complete -c mint -n "__fish_mint_using_subcommand up" -l keep-key -d 'Keep the VM\'s client key instead of making a new one (mint-proxy passes this: the ssh that called it has loaded the key already)'
complete -c mint -n "__fish_mint_using_subcommand up" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand up" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand up" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand up" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand down" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand down" -l json -d 'Print the VM record as JSON'
complete -c mint -n "__fish_mint_using_subcommand down" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand down" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand down" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand down" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand resize" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand resize" -s y -l yes -d 'Stop a running VM without asking'
complete -c mint -n "__fish_mint_using_subcommand resize" -l json -d 'Print the VM record as JSON'
complete -c mint -n "__fish_mint_using_subcommand resize" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand resize" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand resize" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand resize" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand recreate" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand recreate" -l bootstrap-timeout -d 'How long to wait for the new instance\'s bootstrap (e.g. 7m, 90s)' -r
complete -c mint -n "__fish_mint_using_subcommand recreate" -l on-timeout -d 'What to do if bootstrap does not finish in time (asked interactively otherwise; without a terminal: stop)' -r -f -a "stop\t'Stop the instance: halts billing, keeps it for debugging'
terminate\t'Tag it mint:bootstrap=failed, terminate it and clean up its resources'
leave\t'Leave it running to debug over SSH'"
complete -c mint -n "__fish_mint_using_subcommand recreate" -l force -d 'Recreate even while sessions are active (they are cut off)'
complete -c mint -n "__fish_mint_using_subcommand recreate" -s y -l yes -d 'Do not ask for confirmation'
complete -c mint -n "__fish_mint_using_subcommand recreate" -l json -d 'Print the VM record as JSON'
complete -c mint -n "__fish_mint_using_subcommand recreate" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand recreate" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand recreate" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand recreate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand destroy" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand destroy" -s y -l yes -d 'Do not ask for confirmation'
complete -c mint -n "__fish_mint_using_subcommand destroy" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand destroy" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand destroy" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand destroy" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand list" -l json -d 'One JSON VM record per line'
complete -c mint -n "__fish_mint_using_subcommand list" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand list" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand list" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand list" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand status" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand status" -l json -d 'Print the VM record as JSON'
complete -c mint -n "__fish_mint_using_subcommand status" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand status" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand status" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand extend" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand extend" -l json -d 'Print the VM name, instance and new deadline as JSON'
complete -c mint -n "__fish_mint_using_subcommand extend" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand extend" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand extend" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand extend" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand cost" -l json -d 'One JSON object: each VM\'s figures and the total'
complete -c mint -n "__fish_mint_using_subcommand cost" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand cost" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand cost" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand cost" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l rotate -d 'Make a new secret; the old URL stops working'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l json -d 'Print the VM, instance, URL and what was done as one JSON object (no QR code)'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand wake-url" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand doctor" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand doctor" -l fix -d 'Repair what drifted (asks first)'
complete -c mint -n "__fish_mint_using_subcommand doctor" -s y -l yes -d 'Do not ask before repairing'
complete -c mint -n "__fish_mint_using_subcommand doctor" -l json -d 'Print the checks as JSON'
complete -c mint -n "__fish_mint_using_subcommand doctor" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand doctor" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand doctor" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand doctor" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand version" -l json -d 'Print it as JSON'
complete -c mint -n "__fish_mint_using_subcommand version" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand version" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand version" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand version" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand update" -l version -d 'Install this release (e.g. 0.3.1) rather than the latest; it may be older' -r
complete -c mint -n "__fish_mint_using_subcommand update" -l check -d 'Only say whether a newer release exists; change nothing'
complete -c mint -n "__fish_mint_using_subcommand update" -s y -l yes -d 'Do not ask for confirmation'
complete -c mint -n "__fish_mint_using_subcommand update" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand update" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand update" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand update" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -l json -d 'Print the configuration as JSON'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand config; and not __fish_seen_subcommand_from set" -f -a "set" -d 'Set a value, validated first (instance_type against the EC2 API)'
complete -c mint -n "__fish_mint_using_subcommand config; and __fish_seen_subcommand_from set" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand config; and __fish_seen_subcommand_from set" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand config; and __fish_seen_subcommand_from set" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand ssh" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand ssh" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint -n "__fish_mint_using_subcommand ssh" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand ssh" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand ssh" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand ssh" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand mosh" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand mosh" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint -n "__fish_mint_using_subcommand mosh" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand mosh" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand mosh" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand mosh" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand connect" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand connect" -l accept-new-host-key -d 'Take the host key the VM presents now, replacing the pinned one (after `mint recreate` of a VM that does not publish its key)'
complete -c mint -n "__fish_mint_using_subcommand connect" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand connect" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand connect" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand connect" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand sessions" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand sessions" -l json -d 'One JSON object per session (tmux sessions, then Claude sessions, which carry `session_id`)'
complete -c mint -n "__fish_mint_using_subcommand sessions" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand sessions" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand sessions" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand sessions" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -f -a "set" -d 'Send notifications to an ntfy topic URL (its phone app gives iPad push) or a webhook (JSON POST)'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -f -a "show" -d 'Show the channel'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -f -a "test" -d 'Send a test message through the VM and report the HTTP result'
complete -c mint -n "__fish_mint_using_subcommand notify; and not __fish_seen_subcommand_from set show test off" -f -a "off" -d 'Stop sending notifications'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l kind -d 'How to post (default: ntfy when the host\'s name says so, else webhook)' -r -f -a "ntfy\t'ntfy (ntfy.sh or self-hosted): the message is the body, the title a header'
webhook\t'Any HTTP endpoint: a JSON object with title, message, action, event, vm, project'"
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-url -d 'For a webhook: the ntfy topic URL its answer buttons post to (ntfy channels get one of their own)' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-timeout -d 'Seconds Claude waits for a tap on a permission request or question before asking in the terminal (5-540) [default: 120]' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from show" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from show" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from show" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from show" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -l answer -d 'Send a sample question with buttons and wait for your tap (checks answering Claude from the phone end to end)'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from off" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from off" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from off" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from off" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand notify; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -s y -l yes -d 'Approve adding the Include line to ~/.ssh/config without asking'
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand ssh-config" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand code" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand code" -s y -l yes -d 'Approve adding the Include line to ~/.ssh/config without asking'
complete -c mint -n "__fish_mint_using_subcommand code" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand code" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand code" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand code" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand key; and not __fish_seen_subcommand_from add" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand key; and not __fish_seen_subcommand_from add" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand key; and not __fish_seen_subcommand_from add" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand key; and not __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand key; and not __fish_seen_subcommand_from add" -f -a "add" -d 'Add a public key to the VM\'s ~/.ssh/authorized_keys (once; adding it again changes nothing)'
complete -c mint -n "__fish_mint_using_subcommand key; and __fish_seen_subcommand_from add" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand key; and __fish_seen_subcommand_from add" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand key; and __fish_seen_subcommand_from add" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand key; and __fish_seen_subcommand_from add" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand key; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "add" -d 'Clone a repo on the VM, build its devcontainer, and open a tmux session in it'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "egress" -d 'Confine a project\'s network to its allowlist, open it, or show the allowlist'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist (presets: anthropic, github, npm, pypi, crates, debian-ubuntu)'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "blocked" -d 'List what a confined project was refused: each name with its count and last time'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "list" -d 'List the projects on the VM with their branch, container and tmux session'
complete -c mint -n "__fish_mint_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild" -f -a "rebuild" -d 'Tear down and rebuild a project\'s devcontainer, keeping the repo; recreates its tmux session'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l branch -d 'The branch to check out' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l name -d 'The project\'s name [default: the repo\'s name]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l egress -d 'Confine the container\'s network to an allowlist (starting with the anthropic and github presets), enforced on the VM host [default: open]' -r -f -a "open\t'No egress rules (the default)'
allowlist\t'Only the allowlist\'s domains, enforced on the VM host'"
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l trust-host -d 'Allow devcontainer options that reach the VM host (initializeCommand, privileged, host network/PID/IPC, the Docker socket, added capabilities), and record that for the project'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -l json -d 'Print the policy as one JSON object'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from egress" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -l json -d 'Print the policy as one JSON object'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -l json -d 'Print the policy as one JSON object'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -l json -d 'One JSON object: the names, and the refused connection attempts to raw addresses'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from blocked" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per project'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l trust-host -d 'Allow devcontainer options that reach the VM host, and record that (a project added with --trust-host keeps it)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand project; and __fish_seen_subcommand_from rebuild" -s h -l help -d 'Print help'
complete -c mint -n "__fish_mint_using_subcommand help" -l verbose -d 'Show progress steps'
complete -c mint -n "__fish_mint_using_subcommand help" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint -n "__fish_mint_using_subcommand help" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint -n "__fish_mint_using_subcommand help" -s h -l help -d 'Print help'
