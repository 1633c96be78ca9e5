# bash completion for streamscope(1). Commands and options are read from the program's own --help, so they are
# never out of step with it. Installed as /usr/share/bash-completion/completions/streamscope.

# Options of one command (or of the GUI with no command), one per line as "--name" or "--name ARG".
_streamscope_options()
{
    local program=$1 command=$2
    "$program" ${command:+"$command"} --help 2>/dev/null |
        sed -n 's/^  \(-[a-zA-Z], \)\{0,1\}\(--[a-z][a-z0-9-]*\)\( <\([A-Za-z_-]*\)>\)\{0,1\}.*/\2 \4/p'
}

_streamscope()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local program=${COMP_WORDS[0]} command="" i word
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        if [[ $word != -* ]]; then
            command=$word
            break
        fi
    done
    if [[ -z $command && $COMP_CWORD -eq 1 && $cur != -* ]]; then
        local commands
        commands=$("$program" --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p')
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        # The GUI also takes a store or capture files.
        COMPREPLY+=($(compgen -f -- "$cur"))
        return
    fi
    # The value of an option that takes one.
    if [[ $prev == --* ]]; then
        local argument
        argument=$(_streamscope_options "$program" "$command" | sed -n "s/^$prev \(.\{1,\}\)$/\1/p")
        if [[ -n $argument ]]; then
            case $argument in
            FILE) COMPREPLY=($(compgen -f -X '!*.streamscope' -- "$cur") $(compgen -d -- "$cur")) ;;
            DIR) COMPREPLY=($(compgen -d -- "$cur")) ;;
            *) COMPREPLY=($(compgen -f -- "$cur")) ;;
            esac
            return
        fi
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_streamscope_options "$program" "$command" | cut -d' ' -f1)" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}

complete -o filenames -F _streamscope streamscope
