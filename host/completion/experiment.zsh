#compdef experiment
# zsh completion for `experiment` (curifactory C++): flags, commands, and the experiment and
# params names of the project in the current folder. Save it as _experiment in a folder of
# $fpath (before compinit runs), or load it for this shell with
#   source <(experiment completion zsh)

# The names `experiment ls` lists ($1: experiments or params), from the same program the user
# is completing for.
_experiment_names() {
  local program=${words[1]/#\~/$HOME}
  $program ls --names-only $1 2>/dev/null
}

_experiment() {
  local cur=${words[CURRENT]} prev=${words[CURRENT-1]}
  local -a run_flags init_flags valued positionals
  run_flags=(--params --names --indices --global-indices --hashes --print-params --cache --overwrite
    --overwrite-stage --prefix --name --lazy --ignore-lazy --dry --dry-cache --store-full --map --paths --no-dag
    --stage-timeout --parallel --parallel-mode --parallel-safe --slurm --slurm-args --verbose --quiet --progress
    --plain --no-color --no-log --log-errors --notes --notebook --docker --help)
  init_flags=(--yes --experiments-path --params-path --data-path --cache-path --runs-path --logs-path
    --notebooks-path --reports-path --help)
  # Flags whose next word is their value, so it is neither a command nor an experiment.
  valued=(-p --params -n --names --indices --global-indices -c --cache --overwrite-stage --prefix --name
    --stage-timeout --parallel --slurm-args --host --port --experiments-path --params-path --data-path
    --cache-path --runs-path --logs-path --notebooks-path --reports-path)

  case $prev in
    -p|--params)
      compadd -- ${(f)"$(_experiment_names params)"}
      return
      ;;
    -c|--cache|--*-path)
      _files -/
      return
      ;;
  esac
  (( ${valued[(Ie)$prev]} )) && return  # a value we cannot guess: a name, an index range, a number

  # The words before the cursor that are not flags or flag values: the command (or the
  # experiment) and its argument.
  local i word
  for (( i = 2; i < CURRENT; i++ )); do
    word=${words[i]}
    if [[ $word == -* ]]; then
      (( ${valued[(Ie)$word]} )) && (( i++ ))
      continue
    fi
    positionals+=($word)
  done

  local command=${positionals[1]}
  if [[ $cur == -* ]]; then
    case $command in
      '') compadd -- $run_flags --version ;;
      ls|completion) compadd -- --help ;;
      reports) compadd -- --host --port --update --help ;;
      runs) compadd -- --json --help ;;
      init) compadd -- $init_flags ;;
      *) compadd -- $run_flags ;;
    esac
    return
  fi
  case ${#positionals}:$command in
    0:) compadd -- ls reports runs init completion ${(f)"$(_experiment_names experiments)"} ;;
    1:completion) compadd -- bash zsh ;;
    1:runs) compadd -- ${(f)"$(_experiment_names experiments)"} ;;
  esac
}

# Autoloaded from $fpath, this file is the function body; sourced, it registers itself.
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _experiment "$@"
elif (( $+functions[compdef] )); then
  compdef _experiment experiment
fi
