_mint__vm() {
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
                cmd="mint__vm"
                ;;
            mint__vm,admin)
                cmd="mint__vm__subcmd__admin"
                ;;
            mint__vm,config)
                cmd="mint__vm__subcmd__config"
                ;;
            mint__vm,cost)
                cmd="mint__vm__subcmd__cost"
                ;;
            mint__vm,destroy)
                cmd="mint__vm__subcmd__destroy"
                ;;
            mint__vm,doctor)
                cmd="mint__vm__subcmd__doctor"
                ;;
            mint__vm,down)
                cmd="mint__vm__subcmd__down"
                ;;
            mint__vm,extend)
                cmd="mint__vm__subcmd__extend"
                ;;
            mint__vm,help)
                cmd="mint__vm__subcmd__help"
                ;;
            mint__vm,init)
                cmd="mint__vm__subcmd__init"
                ;;
            mint__vm,list)
                cmd="mint__vm__subcmd__list"
                ;;
            mint__vm,recreate)
                cmd="mint__vm__subcmd__recreate"
                ;;
            mint__vm,resize)
                cmd="mint__vm__subcmd__resize"
                ;;
            mint__vm,status)
                cmd="mint__vm__subcmd__status"
                ;;
            mint__vm,up)
                cmd="mint__vm__subcmd__up"
                ;;
            mint__vm,update)
                cmd="mint__vm__subcmd__update"
                ;;
            mint__vm,version)
                cmd="mint__vm__subcmd__version"
                ;;
            mint__vm,wake-url)
                cmd="mint__vm__subcmd__wake__subcmd__url"
                ;;
            mint__vm__subcmd__admin,add-user)
                cmd="mint__vm__subcmd__admin__subcmd__add__subcmd__user"
                ;;
            mint__vm__subcmd__admin,attach-policy)
                cmd="mint__vm__subcmd__admin__subcmd__attach__subcmd__policy"
                ;;
            mint__vm__subcmd__admin,deploy)
                cmd="mint__vm__subcmd__admin__subcmd__deploy"
                ;;
            mint__vm__subcmd__admin,help)
                cmd="mint__vm__subcmd__admin__subcmd__help"
                ;;
            mint__vm__subcmd__admin,setup)
                cmd="mint__vm__subcmd__admin__subcmd__setup"
                ;;
            mint__vm__subcmd__admin,status)
                cmd="mint__vm__subcmd__admin__subcmd__status"
                ;;
            mint__vm__subcmd__admin,teardown)
                cmd="mint__vm__subcmd__admin__subcmd__teardown"
                ;;
            mint__vm__subcmd__admin,template)
                cmd="mint__vm__subcmd__admin__subcmd__template"
                ;;
            mint__vm__subcmd__admin__subcmd__help,add-user)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__add__subcmd__user"
                ;;
            mint__vm__subcmd__admin__subcmd__help,attach-policy)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__attach__subcmd__policy"
                ;;
            mint__vm__subcmd__admin__subcmd__help,deploy)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__deploy"
                ;;
            mint__vm__subcmd__admin__subcmd__help,help)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__help"
                ;;
            mint__vm__subcmd__admin__subcmd__help,setup)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__setup"
                ;;
            mint__vm__subcmd__admin__subcmd__help,status)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__status"
                ;;
            mint__vm__subcmd__admin__subcmd__help,teardown)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__teardown"
                ;;
            mint__vm__subcmd__admin__subcmd__help,template)
                cmd="mint__vm__subcmd__admin__subcmd__help__subcmd__template"
                ;;
            mint__vm__subcmd__config,help)
                cmd="mint__vm__subcmd__config__subcmd__help"
                ;;
            mint__vm__subcmd__config,set)
                cmd="mint__vm__subcmd__config__subcmd__set"
                ;;
            mint__vm__subcmd__config__subcmd__help,help)
                cmd="mint__vm__subcmd__config__subcmd__help__subcmd__help"
                ;;
            mint__vm__subcmd__config__subcmd__help,set)
                cmd="mint__vm__subcmd__config__subcmd__help__subcmd__set"
                ;;
            mint__vm__subcmd__help,admin)
                cmd="mint__vm__subcmd__help__subcmd__admin"
                ;;
            mint__vm__subcmd__help,config)
                cmd="mint__vm__subcmd__help__subcmd__config"
                ;;
            mint__vm__subcmd__help,cost)
                cmd="mint__vm__subcmd__help__subcmd__cost"
                ;;
            mint__vm__subcmd__help,destroy)
                cmd="mint__vm__subcmd__help__subcmd__destroy"
                ;;
            mint__vm__subcmd__help,doctor)
                cmd="mint__vm__subcmd__help__subcmd__doctor"
                ;;
            mint__vm__subcmd__help,down)
                cmd="mint__vm__subcmd__help__subcmd__down"
                ;;
            mint__vm__subcmd__help,extend)
                cmd="mint__vm__subcmd__help__subcmd__extend"
                ;;
            mint__vm__subcmd__help,help)
                cmd="mint__vm__subcmd__help__subcmd__help"
                ;;
            mint__vm__subcmd__help,init)
                cmd="mint__vm__subcmd__help__subcmd__init"
                ;;
            mint__vm__subcmd__help,list)
                cmd="mint__vm__subcmd__help__subcmd__list"
                ;;
            mint__vm__subcmd__help,recreate)
                cmd="mint__vm__subcmd__help__subcmd__recreate"
                ;;
            mint__vm__subcmd__help,resize)
                cmd="mint__vm__subcmd__help__subcmd__resize"
                ;;
            mint__vm__subcmd__help,status)
                cmd="mint__vm__subcmd__help__subcmd__status"
                ;;
            mint__vm__subcmd__help,up)
                cmd="mint__vm__subcmd__help__subcmd__up"
                ;;
            mint__vm__subcmd__help,update)
                cmd="mint__vm__subcmd__help__subcmd__update"
                ;;
            mint__vm__subcmd__help,version)
                cmd="mint__vm__subcmd__help__subcmd__version"
                ;;
            mint__vm__subcmd__help,wake-url)
                cmd="mint__vm__subcmd__help__subcmd__wake__subcmd__url"
                ;;
            mint__vm__subcmd__help__subcmd__admin,add-user)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__add__subcmd__user"
                ;;
            mint__vm__subcmd__help__subcmd__admin,attach-policy)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__attach__subcmd__policy"
                ;;
            mint__vm__subcmd__help__subcmd__admin,deploy)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__deploy"
                ;;
            mint__vm__subcmd__help__subcmd__admin,setup)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__setup"
                ;;
            mint__vm__subcmd__help__subcmd__admin,status)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__status"
                ;;
            mint__vm__subcmd__help__subcmd__admin,teardown)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__teardown"
                ;;
            mint__vm__subcmd__help__subcmd__admin,template)
                cmd="mint__vm__subcmd__help__subcmd__admin__subcmd__template"
                ;;
            mint__vm__subcmd__help__subcmd__config,set)
                cmd="mint__vm__subcmd__help__subcmd__config__subcmd__set"
                ;;
            *)
                ;;
        esac
    done

    case "${cmd}" in
        mint__vm)
            opts="-h -V --verbose --debug --owner-arn-mismatch-ok --help --version init admin up down resize recreate destroy list status extend cost wake-url doctor version update config help"
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
        mint__subcmd__vm__subcmd__admin)
            opts="-h --verbose --debug --owner-arn-mismatch-ok --help setup deploy attach-policy add-user status template teardown help"
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
        mint__subcmd__vm__subcmd__admin__subcmd__add__subcmd__user)
            opts="-h --region --iam-user --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --iam-user)
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
        mint__subcmd__vm__subcmd__admin__subcmd__attach__subcmd__policy)
            opts="-h --region --group --role --user --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
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
        mint__subcmd__vm__subcmd__admin__subcmd__deploy)
            opts="-y -h --region --yes --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help)
            opts="setup deploy attach-policy add-user status template teardown help"
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__add__subcmd__user)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__attach__subcmd__policy)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__deploy)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__help)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__setup)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__status)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__teardown)
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
        mint__subcmd__vm__subcmd__admin__subcmd__help__subcmd__template)
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
        mint__subcmd__vm__subcmd__admin__subcmd__setup)
            opts="-y -h --region --group --role --user --users --yes --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --group)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --role)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --user)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --users)
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
        mint__subcmd__vm__subcmd__admin__subcmd__status)
            opts="-h --region --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
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
        mint__subcmd__vm__subcmd__admin__subcmd__teardown)
            opts="-y -h --region --force --yes --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 3 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
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
        mint__subcmd__vm__subcmd__admin__subcmd__template)
            opts="-h --verbose --debug --owner-arn-mismatch-ok --help"
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
        mint__subcmd__vm__subcmd__config)
            opts="-h --json --verbose --debug --owner-arn-mismatch-ok --help set help"
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
        mint__subcmd__vm__subcmd__config__subcmd__help)
            opts="set help"
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
        mint__subcmd__vm__subcmd__config__subcmd__help__subcmd__help)
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
        mint__subcmd__vm__subcmd__config__subcmd__help__subcmd__set)
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
        mint__subcmd__vm__subcmd__config__subcmd__set)
            opts="-h --verbose --debug --owner-arn-mismatch-ok --help"
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
        mint__subcmd__vm__subcmd__cost)
            opts="-h --json --verbose --debug --owner-arn-mismatch-ok --help"
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
        mint__subcmd__vm__subcmd__destroy)
            opts="-y -h --vm --yes --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__doctor)
            opts="-y -h --vm --fix --yes --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__down)
            opts="-h --vm --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__extend)
            opts="-h --vm --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__help)
            opts="init admin up down resize recreate destroy list status extend cost wake-url doctor version update config help"
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
        mint__subcmd__vm__subcmd__help__subcmd__admin)
            opts="setup deploy attach-policy add-user status template teardown"
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__add__subcmd__user)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__attach__subcmd__policy)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__deploy)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__setup)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__status)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__teardown)
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
        mint__subcmd__vm__subcmd__help__subcmd__admin__subcmd__template)
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
        mint__subcmd__vm__subcmd__help__subcmd__config)
            opts="set"
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
        mint__subcmd__vm__subcmd__help__subcmd__config__subcmd__set)
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
        mint__subcmd__vm__subcmd__help__subcmd__cost)
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
        mint__subcmd__vm__subcmd__help__subcmd__destroy)
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
        mint__subcmd__vm__subcmd__help__subcmd__doctor)
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
        mint__subcmd__vm__subcmd__help__subcmd__down)
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
        mint__subcmd__vm__subcmd__help__subcmd__extend)
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
        mint__subcmd__vm__subcmd__help__subcmd__help)
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
        mint__subcmd__vm__subcmd__help__subcmd__init)
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
        mint__subcmd__vm__subcmd__help__subcmd__list)
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
        mint__subcmd__vm__subcmd__help__subcmd__recreate)
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
        mint__subcmd__vm__subcmd__help__subcmd__resize)
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
        mint__subcmd__vm__subcmd__help__subcmd__status)
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
        mint__subcmd__vm__subcmd__help__subcmd__up)
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
        mint__subcmd__vm__subcmd__help__subcmd__update)
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
        mint__subcmd__vm__subcmd__help__subcmd__version)
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
        mint__subcmd__vm__subcmd__help__subcmd__wake__subcmd__url)
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
        mint__subcmd__vm__subcmd__init)
            opts="-h --region --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --region)
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
        mint__subcmd__vm__subcmd__list)
            opts="-h --json --verbose --debug --owner-arn-mismatch-ok --help"
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
        mint__subcmd__vm__subcmd__recreate)
            opts="-y -h --vm --force --yes --bootstrap-timeout --on-timeout --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bootstrap-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --on-timeout)
                    COMPREPLY=($(compgen -W "stop terminate leave" -- "${cur}"))
                    return 0
                    ;;
                *)
                    COMPREPLY=()
                    ;;
            esac
            COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
            return 0
            ;;
        mint__subcmd__vm__subcmd__resize)
            opts="-y -h --vm --yes --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__status)
            opts="-h --vm --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
        mint__subcmd__vm__subcmd__up)
            opts="-y -h --vm --bootstrap-timeout --on-timeout --instance-type --json --yes --keep-key --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --vm)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --bootstrap-timeout)
                    COMPREPLY=($(compgen -f "${cur}"))
                    return 0
                    ;;
                --on-timeout)
                    COMPREPLY=($(compgen -W "stop terminate leave" -- "${cur}"))
                    return 0
                    ;;
                --instance-type)
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
        mint__subcmd__vm__subcmd__update)
            opts="-y -h --check --version --yes --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
                COMPREPLY=( $(compgen -W "${opts}" -- "${cur}") )
                return 0
            fi
            case "${prev}" in
                --version)
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
        mint__subcmd__vm__subcmd__version)
            opts="-h --json --verbose --debug --owner-arn-mismatch-ok --help"
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
        mint__subcmd__vm__subcmd__wake__subcmd__url)
            opts="-h --vm --rotate --json --verbose --debug --owner-arn-mismatch-ok --help"
            if [[ ${cur} == -* || ${COMP_CWORD} -eq 2 ]] ; then
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
    complete -F _mint__vm -o nosort -o bashdefault -o default mint-vm
else
    complete -F _mint__vm -o bashdefault -o default mint-vm
fi
