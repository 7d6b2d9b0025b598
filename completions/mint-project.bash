_mint__project() {
    local i cur prev opts cmd
    COMPREPLY=()
    if [[ "${BASH_VERSINFO[0]}" -ge 4 ]]; then
        cur="$2"
    else
        cur="${COMP_WORDS[COMP_CWORD]}"
    fi
    prev="$3"
    cmd=""
    opts=""

    for i in "${COMP_WORDS[@]:0:COMP_CWORD}"
    do
        case "${cmd},${i}" in
            ",$1")
                cmd="mint__project"
                ;;
            mint__project,help)
                cmd="mint__project__subcmd__help"
                ;;
            mint__project,project)
                cmd="mint__project__subcmd__project"
                ;;
            mint__project__subcmd__help,help)
                cmd="mint__project__subcmd__help__subcmd__help"
                ;;
            mint__project__subcmd__help,project)
                cmd="mint__project__subcmd__help__subcmd__project"
                ;;
            mint__project__subcmd__help__subcmd__project,add)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__add"
                ;;
            mint__project__subcmd__help__subcmd__project,allow)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__allow"
                ;;
            mint__project__subcmd__help__subcmd__project,blocked)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__blocked"
                ;;
            mint__project__subcmd__help__subcmd__project,deny)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__deny"
                ;;
            mint__project__subcmd__help__subcmd__project,egress)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__egress"
                ;;
            mint__project__subcmd__help__subcmd__project,list)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__list"
                ;;
            mint__project__subcmd__help__subcmd__project,rebuild)
                cmd="mint__project__subcmd__help__subcmd__project__subcmd__rebuild"
                ;;
            mint__project__subcmd__project,add)
                cmd="mint__project__subcmd__project__subcmd__add"
                ;;
            mint__project__subcmd__project,allow)
                cmd="mint__project__subcmd__project__subcmd__allow"
                ;;
            mint__project__subcmd__project,blocked)
                cmd="mint__project__subcmd__project__subcmd__blocked"
                ;;
            mint__project__subcmd__project,deny)
                cmd="mint__project__subcmd__project__subcmd__deny"
                ;;
            mint__project__subcmd__project,egress)
                cmd="mint__project__subcmd__project__subcmd__egress"
                ;;
            mint__project__subcmd__project,help)
                cmd="mint__project__subcmd__project__subcmd__help"
                ;;
            mint__project__subcmd__project,list)
                cmd="mint__project__subcmd__project__subcmd__list"
                ;;
            mint__project__subcmd__project,rebuild)
                cmd="mint__project__subcmd__project__subcmd__rebuild"
                ;;
            mint__project__subcmd__project__subcmd__help,add)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__add"
                ;;
            mint__project__subcmd__project__subcmd__help,allow)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__allow"
                ;;
            mint__project__subcmd__project__subcmd__help,blocked)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__blocked"
                ;;
            mint__project__subcmd__project__subcmd__help,deny)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__deny"
                ;;
            mint__project__subcmd__project__subcmd__help,egress)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__egress"
                ;;
            mint__project__subcmd__project__subcmd__help,help)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__help"
                ;;
            mint__project__subcmd__project__subcmd__help,list)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__list"
                ;;
            mint__project__subcmd__project__subcmd__help,rebuild)
                cmd="mint__project__subcmd__project__subcmd__help__subcmd__rebuild"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        mint__project)
            opts="-h -V --verbose --debug --owner-arn-mismatch-ok --help --version project help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 1 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help)
            opts="project help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project)
            opts="add egress allow deny blocked list rebuild"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__allow)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__blocked)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__deny)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__egress)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__help__subcmd__project__subcmd__rebuild)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project)
            opts="-h --verbose --debug --owner-arn-mismatch-ok --help add egress allow deny blocked list rebuild help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__add)
            opts="-h --branch --name --trust-host --egress --vm --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --branch)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --name)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --egress)
                    COMPREPLY=($(compgen -W "open allowlist" -- "${cur}"))
                    return 0
                    ;;
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__allow)
            opts="-h --json --vm --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__blocked)
            opts="-h --json --vm --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__deny)
            opts="-h --json --vm --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__egress)
            opts="-h --json --vm --verbose --debug --owner-arn-mismatch-ok --help allowlist open show"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help)
            opts="add egress allow deny blocked list rebuild help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__add)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__allow)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__blocked)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__deny)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__egress)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__help)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__list)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__help__subcmd__rebuild)
            opts=""
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 4 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__list)
            opts="-h --vm --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__project__subcmd__project__subcmd__rebuild)
            opts="-h --trust-host --vm --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
    esac
}

if [[ "${BASH_VERSINFO[0]}" -eq 4 && "${BASH_VERSINFO[1]}" -ge 4 || "${BASH_VERSINFO[0]}" -gt 4 ]]; then
    complete -F _mint__project -o nosort -o bashdefault -o default mint-project
else
    complete -F _mint__project -o bashdefault -o default mint-project
fi
