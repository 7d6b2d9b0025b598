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
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "notify" -d 'The notification channel, kept in your EFS config for all your VMs (`mint notify` runs this over ssh)'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "events" -d 'Forward Claude Code events to the notification channel (the mint-events unit runs this)'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "sessions" -d 'Show the last state of each Claude session on this VM'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "hooks" -d 'Add Mint\'s Claude Code hooks to a Claude settings file, keeping the hooks already there'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "permissions" -d 'Ask AWS (DryRun) whether the instance role may stop and tag this instance; exit 1 if not'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "resume" -d 'Start each project\'s container again and make its tmux session again (mint-resume.service runs this at boot)'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "egress" -d 'Project egress allowlists: the resolver and rules (root), and each project\'s policy'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "tag" -d 'Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts'
complete -c mint-idle -n "__fish_mint_idle_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand check" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand check" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -l json -d 'Print the decision as one JSON object'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand status" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "set" -d 'Send notifications to an ntfy topic URL or a webhook'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "show" -d 'Show the channel'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "test" -d 'Send a test message from this VM and report the HTTP result'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "off" -d 'Stop sending notifications'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "wake-url" -d 'Keep this VM\'s wake URL, for the Start again button of its auto-stop notification (`mint wake-url` sends it)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and not __fish_seen_subcommand_from set show test off wake-url help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from set" -l kind -d 'How to post (default: ntfy when the host\'s name says so, else webhook)' -r -f -a "ntfy\t'ntfy (ntfy.sh or self-hosted): the message is the body, the title a header'
webhook\t'Any HTTP endpoint: a JSON object with title, message, action, event, vm, project'"
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-url -d 'For a webhook: the ntfy topic URL its answer buttons post to, which this VM follows' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from set" -l answer-timeout -d 'Seconds Claude waits for a tap before asking in the terminal (5-540, default 120)' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from set" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from show" -l json -d 'Print it as one JSON object (null when none is set)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from show" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from test" -l answer -d 'Send a sample question with buttons and wait for the tap'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from test" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from test" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from off" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from off" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from wake-url" -l vm -d 'The VM\'s name (the file is per VM: the user\'s config is shared by all their VMs)' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from wake-url" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from wake-url" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "set" -d 'Send notifications to an ntfy topic URL or a webhook'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "show" -d 'Show the channel'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "test" -d 'Send a test message from this VM and report the HTTP result'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "off" -d 'Stop sending notifications'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "wake-url" -d 'Keep this VM\'s wake URL, for the Start again button of its auto-stop notification (`mint wake-url` sends it)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand notify; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand events" -l once -d 'Forward what is waiting once, then exit'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand events" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand events" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand sessions" -l json -d 'One JSON object per session'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand sessions" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand sessions" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand hooks" -l settings -d 'The settings file (default: Claude Code\'s managed settings, which the host and, read-only, every container use)' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand hooks" -l remove -d 'Take Mint\'s hooks out of the file instead (older versions put them in the user\'s settings)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand hooks" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand hooks" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand permissions" -l json -d 'One JSON object per permission'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand permissions" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand permissions" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand resume" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand resume" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "serve" -d 'Load the rules and answer confined projects\' DNS (the mint-egress unit runs this)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "apply" -d 'Load the rules for every confined project (the mint-egress unit runs this before Docker starts)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "up" -d 'Make a confined project ready to start (rules, its Docker network, the resolver); prints the network and its gateway'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "mode" -d 'Set a project\'s egress: allowlist or open'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "show" -d 'Print a project\'s egress policy'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "blocked" -d 'Print what a confined project was refused'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and not __fish_seen_subcommand_from serve apply up mode allow deny show blocked help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l state -d 'Where blocked names are recorded' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l listen -d 'Where to answer (the rules redirect confined DNS to this port)' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l upstream -d 'The resolver allowed names are asked of [default: the first nameserver in /etc/resolv.conf]' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l min-ttl -d 'The shortest time an answered address stays admitted, in seconds' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from serve" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from apply" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from apply" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from apply" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from up" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from up" -l resolver -d 'The resolver to check' -r
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from up" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from up" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from mode" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from mode" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from mode" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from allow" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from allow" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from deny" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from deny" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from show" -l policies -d 'The projects\' policies [default: $MINT_PROJECTS/.mint, else /mint/projects/.mint]' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from show" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from blocked" -l state -d 'Where the resolver records blocked names' -r -F
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from blocked" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from blocked" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "serve" -d 'Load the rules and answer confined projects\' DNS (the mint-egress unit runs this)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "apply" -d 'Load the rules for every confined project (the mint-egress unit runs this before Docker starts)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "up" -d 'Make a confined project ready to start (rules, its Docker network, the resolver); prints the network and its gateway'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "mode" -d 'Set a project\'s egress: allowlist or open'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "show" -d 'Print a project\'s egress policy'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "blocked" -d 'Print what a confined project was refused'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand egress; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand tag" -l debug -d 'Show every AWS call (service, operation, duration, result) on stderr'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand tag" -s h -l help -d 'Print help'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "check" -d 'Probe activity, publish the heartbeat tags, and stop the instance when idle past the timeout'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "status" -d 'Show what a check would decide now, without tagging or stopping anything'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "notify" -d 'The notification channel, kept in your EFS config for all your VMs (`mint notify` runs this over ssh)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "events" -d 'Forward Claude Code events to the notification channel (the mint-events unit runs this)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "sessions" -d 'Show the last state of each Claude session on this VM'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "hooks" -d 'Add Mint\'s Claude Code hooks to a Claude settings file, keeping the hooks already there'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "permissions" -d 'Ask AWS (DryRun) whether the instance role may stop and tag this instance; exit 1 if not'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "resume" -d 'Start each project\'s container again and make its tmux session again (mint-resume.service runs this at boot)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "egress" -d 'Project egress allowlists: the resolver and rules (root), and each project\'s policy'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "tag" -d 'Tag this instance (mint:bootstrap, mint:health, mint:host-key), for the bootstrap scripts'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and not __fish_seen_subcommand_from check status notify events sessions hooks permissions resume egress tag help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "set" -d 'Send notifications to an ntfy topic URL or a webhook'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "show" -d 'Show the channel'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "test" -d 'Send a test message from this VM and report the HTTP result'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "off" -d 'Stop sending notifications'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from notify" -f -a "wake-url" -d 'Keep this VM\'s wake URL, for the Start again button of its auto-stop notification (`mint wake-url` sends it)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "serve" -d 'Load the rules and answer confined projects\' DNS (the mint-egress unit runs this)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "apply" -d 'Load the rules for every confined project (the mint-egress unit runs this before Docker starts)'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "up" -d 'Make a confined project ready to start (rules, its Docker network, the resolver); prints the network and its gateway'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "mode" -d 'Set a project\'s egress: allowlist or open'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "allow" -d 'Add domains or presets to a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "deny" -d 'Remove domains or presets from a project\'s allowlist'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "show" -d 'Print a project\'s egress policy'
complete -c mint-idle -n "__fish_mint_idle_using_subcommand help; and __fish_seen_subcommand_from egress" -f -a "blocked" -d 'Print what a confined project was refused'
