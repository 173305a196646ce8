#!/usr/bin/env bash
# The completion scripts in completions/, loaded in the real shells, complete what inv accepts:
# subcommands, a command's options, --format and --type values, and SKUs read from the database
# (the one --db names, else INV_DB). bash with Debian's bash-completion; fish with `complete -C`;
# zsh driven through zsh/zpty: an interactive `zsh -f` runs compinit with completions/ first on
# $fpath, gets `inv res<TAB>` typed, and reports the buffer and the matches compadd was given.
# (completions/ equal `inv completion SHELL`: docs_in_step.sh checks that.)
# A shell that is not installed is skipped with a message (scripts/setup --tests installs bash-
# completion, zsh and fish); an installed one is always tested.
repo=$(cd "$(dirname "$0")/../.." && pwd)
. "$repo/tests/cli/lib.bash"

# The scripts call `inv`: the binary under test must be the first one on PATH.
bin_dir=$(cd "$(dirname "$INV")" && pwd)
if [ "$(basename "$INV")" != inv ]; then
  bin_dir=$WORK/bin
  mkdir -p "$bin_dir"
  ln -s "$INV" "$bin_dir/inv"
fi
export PATH="$bin_dir:$PATH"
expect_eq "$(type -P inv)" "$bin_dir/inv" "the inv on PATH"
# The user's own shell set-up (~/.bash_completion, ~/.config/fish, ...) stays out of it.
export HOME=$WORK XDG_CONFIG_HOME=$WORK/.config XDG_DATA_HOME=$WORK/.local/share XDG_CACHE_HOME=$WORK/.cache
unset BASH_COMPLETION_USER_DIR BASH_COMPLETION_USER_FILE ZDOTDIR || true

inv create SKU-A >/dev/null
inv create SKU-B --soh 2 >/dev/null
inv create ZED-1 >/dev/null
inv --db other.db create OTHER-1 >/dev/null
# SPEC §12: a SKU with shell metacharacters is inserted quoted.
inv --db meta.db create 'semi;colon' >/dev/null

event_types="AvailableSet ItemCreated ItemRetired OnHandSet ReorderPointSet ReservationCompleted ReservationReleased StockAdjusted StockReserved StockSold"
# SPEC §9: --type takes the command word of a type as well.
type_words="$event_types adjust complete create release reserve retire sell set-available set-reorder set-soh"
# The cases every shell must get right: "LINE|the completions (sorted, space-separated)".
cases=(
  "inv res|reservations reserve"
  "inv sel|sell"
  "inv history --l|--last --limit"
  "inv history --li|--limit"
  "inv report |html movements"
  "inv report movements --p|--prefix"
  "inv --format |csv json ndjson text"
  "inv list --format n|ndjson"
  "inv history --type |$type_words"
  "inv history --type Stock|StockAdjusted StockReserved StockSold"
  "inv reserve |SKU-A SKU-B ZED-1"
  "inv reserve S|SKU-A SKU-B"
  "inv adjust Z|ZED-1"
  "inv --db other.db show |OTHER-1"
  "inv --vers|--version"
  "inv show SKU-A --v|"            # --version only before the command
  # `inv help <TAB>`: the commands and the help topics (SPEC §12).
  "inv help |adjust apply complete completion create environment exit-codes expire export formats head help history import init list rebuild release report reservations reserve retire sell set-available set-reorder set-soh show stats time verify"
  "inv help ex|exit-codes expire export"
)
tested=0

# ---- bash (with bash-completion) -----------------------------------------------------------------
bash_completion=/usr/share/bash-completion/bash_completion
if [ ! -r "$bash_completion" ]; then
  skip_case "bash: $bash_completion is missing (Debian package bash-completion)"
else
  # bash_complete LINE: what _inv puts in COMPREPLY for LINE (cursor at the end), sorted.
  bash_complete() {
    bash --norc --noprofile -c '
      source "$1" || exit 91
      source "$2" || exit 92
      line=$3
      COMP_LINE=$line
      COMP_POINT=${#line}
      read -ra COMP_WORDS <<<"$line"
      [[ $line == *" " ]] && COMP_WORDS+=("")
      COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
      COMPREPLY=()
      _inv inv "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
      printf "%s\n" "${COMPREPLY[@]}"' \
      _ "$bash_completion" "$repo/completions/inv.bash" "$1" 2>"$WORK/bash.err" | sort -u | paste -sd' '
  }
  loaded=$(bash --norc --noprofile -c 'source "$1" && source "$2" && complete -p inv' _ "$bash_completion" "$repo/completions/inv.bash" 2>&1) ||
    fail "bash could not load completions/inv.bash: $loaded"
  expect_contains "$loaded" "-F _inv" "complete -p inv after loading completions/inv.bash"
  for case in "${cases[@]}"; do
    expect_eq "$(bash_complete "${case%%|*}")" "${case#*|}" "bash completions of '${case%%|*}'"
    [ ! -s "$WORK/bash.err" ] || fail "bash printed errors completing '${case%%|*}': $(cat "$WORK/bash.err")"
  done
  # A SKU with a shell metacharacter comes back quoted, as one word.
  expect_eq "$(bash_complete "inv --db meta.db show sem")" 'semi\;colon' "bash completion of a SKU with ';'"
  tested=$((tested + 1))
fi

# ---- fish ----------------------------------------------------------------------------------------
if ! command -v fish >/dev/null; then
  skip_case "fish: fish is not installed"
else
  # fish_complete LINE: the candidates (without descriptions) fish offers for LINE, sorted.
  fish_complete() {
    fish --no-config -c 'source $argv[1]; or exit 91; complete -C$argv[2]' \
      "$repo/completions/inv.fish" "$1" 2>"$WORK/fish.err" | cut -f1 | sort -u | paste -sd' '
  }
  for case in "${cases[@]}"; do
    expect_eq "$(fish_complete "${case%%|*}")" "${case#*|}" "fish completions of '${case%%|*}'"
    [ ! -s "$WORK/fish.err" ] || fail "fish printed errors completing '${case%%|*}': $(cat "$WORK/fish.err")"
  done
  tested=$((tested + 1))
fi

# ---- zsh -----------------------------------------------------------------------------------------
if ! command -v zsh >/dev/null; then
  skip_case "zsh: zsh is not installed"
else
  # The script parses, and loads as an autoloaded completion function under compinit.
  zsh -n "$repo/completions/_inv" || fail "zsh -n completions/_inv: syntax error"
  loaded=$(ZDOTDIR=$WORK zsh -f -c 'fpath=("$1" $fpath); autoload -U compinit && compinit -u -D &&
    autoload -Uz _inv && print -r -- "${_comps[inv]}"' _ "$repo/completions" 2>&1) ||
    fail "zsh could not load completions/_inv: $loaded"
  expect_eq "$loaded" _inv "the completion function compinit registers for inv"

  # The interactive zsh: its set-up, and a widget (^T) that records the buffer after a TAB.
  cat >"$WORK/zsh-setup.zsh" <<'EOF'
unsetopt beep
PS1='> '
fpath=("$ZC_DIR" $fpath)
autoload -U compinit && compinit -u -D
# Records every match a completion function adds (calls that only filter arrays are passed on).
compadd() {
  local arg
  for arg in "$@"; do
    [[ $arg == (-|--) ]] && break
    [[ $arg == -[OAD]* ]] && { builtin compadd "$@"; return; }
  done
  local -a matches
  builtin compadd -A matches "$@"
  (( $#matches )) && print -rl -- "${matches[@]/#/MATCH:}" >>"$ZC_OUT"
  builtin compadd "$@"
}
__zc_done() { print -r -- "BUFFER:$BUFFER" >>"$ZC_OUT"; print -r -- DONE >>"$ZC_OUT"; BUFFER=; }
zle -N __zc_done
bindkey '^T' __zc_done
bindkey '^I' complete-word
EOF
  # The driver: types each line, a TAB and ^T, and waits for the widget's DONE (at most 20 s).
  cat >"$WORK/zsh-driver.zsh" <<'EOF'
zmodload zsh/zpty || exit 93
zmodload zsh/zselect || exit 94
: >|$ZC_OUT
# Non-blocking (-b): draining the terminal's output must never wait for a whole line.
zpty -b zc "zsh -f -i 2>>${(q)ZC_ERR}"
zpty -w zc "source ${(q)ZC_SETUP}"
n=0
for line in "$@"; do
  print -r -- "LINE:$line" >>$ZC_OUT
  zpty -w -n zc "$line"$'\t'$'\x14'
  (( n++ ))
  for i in {1..400}; do
    while zpty -rt zc chunk 2>/dev/null; do :; done  # drain the terminal, or zsh blocks writing
    done_count=0
    while IFS= read -r l; do [[ $l == DONE ]] && (( done_count++ )); done <$ZC_OUT
    (( done_count >= n )) && break
    zselect -t 5  # 50 ms, without a fork
  done
done
zpty -d zc
EOF
  lines=()
  for case in "${cases[@]}"; do lines+=("${case%%|*}"); done
  lines+=("inv --db meta.db show sem")
  : >"$WORK/zsh.err"
  ZC_DIR="$repo/completions" ZC_OUT="$WORK/zsh.out" ZC_ERR="$WORK/zsh.err" ZC_SETUP="$WORK/zsh-setup.zsh" \
    timeout 120 zsh -f "$WORK/zsh-driver.zsh" "${lines[@]}" || fail "the zsh driver failed (exit $?)"
  expect_eq "$(grep -c '^DONE$' "$WORK/zsh.out")" "${#lines[@]}" "lines completed by zsh (zsh.out: $(cat "$WORK/zsh.out"))"
  # zsh_result LINE WHAT: the matches (sorted) or the buffer zsh had for LINE.
  zsh_result() {
    awk -v line="LINE:$1" -v what="$2" '
      $0 == line { on = 1; next }
      on && /^LINE:/ { on = 0 }
      on && what == "matches" && sub(/^MATCH:/, "") { print }
      on && what == "buffer" && sub(/^BUFFER:/, "") { print }' "$WORK/zsh.out" | sort -u | paste -sd' '
  }
  # Every difference at once: the matches of each case, and the buffer after TAB (one match is
  # inserted into the line; several insert their common prefix).
  problems=""
  for case in "${cases[@]}"; do
    got=$(zsh_result "${case%%|*}" matches)
    [ "$got" = "${case#*|}" ] || problems+="
  '${case%%|*}<TAB>' offers '$got', expected '${case#*|}'"
  done
  for case in "inv res|inv reserv" "inv sel|inv sell " "inv history --li|inv history --limit " "inv reserve S|inv reserve SKU-" \
    "inv --db other.db show |inv --db other.db show OTHER-1 " \
    "inv --db meta.db show sem|inv --db meta.db show semi\\;colon "; do
    got=$(zsh_result "${case%%|*}" buffer)
    [ "$got" = "${case#*|}" ] || problems+="
  '${case%%|*}<TAB>' leaves the buffer '$got', expected '${case#*|}'"
  done
  [ ! -s "$WORK/zsh.err" ] || problems+="
  zsh printed errors while completing:
$(sort "$WORK/zsh.err" | uniq -c)"
  [ -z "$problems" ] || fail "zsh completion with completions/_inv:$problems"
  tested=$((tested + 1))
fi

[ "$tested" -gt 0 ] || fail "no shell to test completions in"
