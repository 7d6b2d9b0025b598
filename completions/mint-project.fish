# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mint_project_global_optspecs
    string join \n verbose debug owner-arn-mismatch-ok h/help V/version
end

function __fish_mint_project_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mint_project_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mint_project_using_subcommand
    set -l cmd (__fish_mint_project_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mint-project -n "__fish_mint_project_needs_command" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_needs_command" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_needs_command" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_needs_command" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_needs_command" -s V -l version -d 'Print version'
complete -c mint-project -n "__fish_mint_project_needs_command" -f -a "project" -d 'Add, list or rebuild the projects on a VM'
complete -c mint-project -n "__fish_mint_project_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "add" -d 'Clone a repo on the VM, build its devcontainer, and open a tmux session in it'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "egress" -d 'Confine a project\'s network to its allowlist, open it, or show the allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist (presets: anthropic, github, npm, pypi, crates, debian-ubuntu)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "blocked" -d 'List what a confined project was refused: each name with its count and last time'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "list" -d 'List the projects on the VM with their branch, container and tmux session'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "rebuild" -d 'Tear down and rebuild a project\'s devcontainer, keeping the repo; recreates its tmux session'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and not __fish_seen_subcommand_from add egress allow deny blocked list rebuild help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l branch -d 'The branch to check out' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l name -d 'The project\'s name [default: the repo\'s name]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l egress -d 'Confine the container\'s network to an allowlist (starting with the anthropic and github presets), enforced on the VM host [default: open]' -r -f -a "open\t'No egress rules (the default)'
allowlist\t'Only the allowlist\'s domains, enforced on the VM host'"
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l trust-host -d 'Allow devcontainer options that reach the VM host (initializeCommand, privileged, host network/PID/IPC, the Docker socket, added capabilities), and record that for the project'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -l json -d 'Print the policy as one JSON object'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from egress" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -l json -d 'Print the policy as one JSON object'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -l json -d 'Print the policy as one JSON object'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -l json -d 'One JSON object: the names, and the refused connection attempts to raw addresses'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from blocked" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -l json -d 'One JSON object per project'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l vm -d 'The VM: its name, or - to read VM records (from `mint status --json` or `mint list --json`) on stdin [default: default]' -r
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l trust-host -d 'Allow devcontainer options that reach the VM host, and record that (a project added with --trust-host keeps it)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l verbose -d 'Show progress steps'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l debug -d 'Show every AWS call (service, operation, duration, result)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -l owner-arn-mismatch-ok -d 'Act on a VM that carries your owner name but another identity\'s mint:owner-arn'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from rebuild" -s h -l help -d 'Print help'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "add" -d 'Clone a repo on the VM, build its devcontainer, and open a tmux session in it'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "egress" -d 'Confine a project\'s network to its allowlist, open it, or show the allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist (presets: anthropic, github, npm, pypi, crates, debian-ubuntu)'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "blocked" -d 'List what a confined project was refused: each name with its count and last time'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "list" -d 'List the projects on the VM with their branch, container and tmux session'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "rebuild" -d 'Tear down and rebuild a project\'s devcontainer, keeping the repo; recreates its tmux session'
complete -c mint-project -n "__fish_mint_project_using_subcommand project; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and not __fish_seen_subcommand_from project help" -f -a "project" -d 'Add, list or rebuild the projects on a VM'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and not __fish_seen_subcommand_from project help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "add" -d 'Clone a repo on the VM, build its devcontainer, and open a tmux session in it'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "egress" -d 'Confine a project\'s network to its allowlist, open it, or show the allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist (presets: anthropic, github, npm, pypi, crates, debian-ubuntu)'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "blocked" -d 'List what a confined project was refused: each name with its count and last time'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "list" -d 'List the projects on the VM with their branch, container and tmux session'
complete -c mint-project -n "__fish_mint_project_using_subcommand help; and __fish_seen_subcommand_from project" -f -a "rebuild" -d 'Tear down and rebuild a project\'s devcontainer, keeping the repo; recreates its tmux session'
