# bash completion for `experiment` (curifactory C++): flags, commands, and the experiment and
# params names of the project in the current folder. Load it for this shell with
#   source <(experiment completion bash)
# or for every shell by saving it as ~/.local/share/bash-completion/completions/experiment.

# The names `experiment ls` lists ($1: experiments or params), from the same program the user
# is completing for, so a build-tree binary lists with its own rules.
_experiment_names() {
  local program="${COMP_WORDS[0]}"
  [[ $program == "~/"* ]] && program="$HOME/${program#"~/"}"
  "$program" ls --names-only "$1" 2>/dev/null
}

_experiment() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev=""
  ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD - 1]}"
  COMPREPLY=()

  local run_flags="--params --names --indices --global-indices --hashes --print-params --cache --overwrite
    --overwrite-stage --prefix --name --lazy --ignore-lazy --dry --dry-cache --store-full --map --paths --no-dag
    --stage-timeout --parallel --parallel-mode --parallel-safe --slurm --slurm-args --verbose --quiet --progress
    --plain --no-color --no-log --log-errors --notes --notebook --docker --help"
  local init_flags="--yes --experiments-path --params-path --data-path --cache-path --runs-path --logs-path
    --notebooks-path --reports-path --help"
  # Flags whose next word is their value, so it is neither a command nor an experiment.
  local valued=" -p --params -n --names --indices --global-indices -c --cache --overwrite-stage --prefix --name
    --stage-timeout --parallel --slurm-args --host --port --experiments-path --params-path --data-path
    --cache-path --runs-path --logs-path --notebooks-path --reports-path "
  valued="${valued//$'\n'/ }"

  case "$prev" in
    -p | --params)
      COMPREPLY=($(compgen -W "$(_experiment_names params)" -- "$cur"))
      return 0
      ;;
    -c | --cache | --*-path)
      COMPREPLY=($(compgen -d -- "$cur"))
      return 0
      ;;
  esac
  if [[ $valued == *" $prev "* ]]; then
    return 0  # a value we cannot guess: a name, an index range, a number
  fi

  # The words before the cursor that are not flags or flag values: the command (or the
  # experiment) and its argument.
  local -a positionals=()
  local i word
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="${COMP_WORDS[i]}"
    if [[ $word == -* ]]; then
      [[ $valued == *" $word "* ]] && ((i++))
      continue
    fi
    positionals+=("$word")
  done

  local command="${positionals[0]}"
  if [[ $cur == -* ]]; then
    case "$command" in
      "") COMPREPLY=($(compgen -W "$run_flags --version" -- "$cur")) ;;
      ls | completion) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
      reports) COMPREPLY=($(compgen -W "--host --port --update --help" -- "$cur")) ;;
      runs) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
      init) COMPREPLY=($(compgen -W "$init_flags" -- "$cur")) ;;
      *) COMPREPLY=($(compgen -W "$run_flags" -- "$cur")) ;;
    esac
    return 0
  fi
  case "${#positionals[@]}:$command" in
    0:) COMPREPLY=($(compgen -W "ls reports runs init completion $(_experiment_names experiments)" -- "$cur")) ;;
    1:completion) COMPREPLY=($(compgen -W "bash zsh" -- "$cur")) ;;
    1:runs) COMPREPLY=($(compgen -W "$(_experiment_names experiments)" -- "$cur")) ;;
  esac
  return 0
}

complete -F _experiment experiment
