complete -c mint-proxy -l vm -d 'The VM\'s name (for the key file and for messages)' -r
complete -c mint-proxy -l instance-id -d 'The VM\'s instance id' -r
complete -c mint-proxy -l region -d 'The VM\'s region' -r
complete -c mint-proxy -l user -d 'The ssh user to authorize the key for (ssh\'s %r)' -r
complete -c mint-proxy -l debug -d 'Show every AWS call on stderr'
complete -c mint-proxy -l fdpass -d 'Hand the connected socket back to ssh (ssh_config `ProxyUseFdpass yes`) instead of relaying'
complete -c mint-proxy -s h -l help -d 'Print help'
complete -c mint-proxy -s V -l version -d 'Print version'
