# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_mint_idle_global_optspecs
    string join \n debug h/help V/version
end

function __fish_mint_idle_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_mint_idle_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_mint_idle_using_subcommand
    set -l cmd (__fish_mint_idle_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c mint-idle -n "__fish_mint_idle_needs_command" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -s V -l version -d 'Print version'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "check" -d 'Probe activity, publish the heartbeat tags, and stop the instance when idle past the timeout'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "status" -d 'Show what a check would decide now, without tagging or stopping anything'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "tag" -d 'Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand check" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand check" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -l json -d 'Print the decision as one JSON object'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand tag" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand tag" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status tag help" -f -a "check" -d 'Probe activity, publish the heartbeat tags, and stop the instance when idle past the timeout'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status tag help" -f -a "status" -d 'Show what a check would decide now, without tagging or stopping anything'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status tag help" -f -a "tag" -d 'Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status tag help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
