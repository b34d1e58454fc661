# The completion logic of herstelctl (bash); scripts/completion.sh puts
# the grammar, taken from herstelctl's help, in front of it.
#
# It completes the global options, nouns, verbs, each verb's options and
# the fixed values some take (--status, --kind of a group, --format, ...),
# and the slugs of locations, rooms and groups where a placeholder asks for
# one (SLUG, LOC, LOC/ROOM, G, GROUP, --room, --location, --group).  Slugs
# are asked from the daemon with "herstelctl --json location list" and so
# on, with the --socket, --url and --token already on the command line;
# when no daemon answers there are simply no slugs.

# The slugs of one kind: location, room or group.
_herstelctl_slugs()
{
	local kind=$1 ctl=$2 member=slug
	shift 2
	[ "$kind" = room ] && member=room
	# A daemon that does not answer within 3 s is no daemon.
	if command -v timeout >/dev/null 2>&1; then
		set -- timeout 3 "$ctl" "$@"
	else
		set -- "$ctl" "$@"
	fi
	"$@" --json "$kind" list 2>/dev/null </dev/null |
	    sed -n 's/^ *"'"$member"'": "\([^"]*\)",\{0,1\}$/\1/p'
}

# Words for a placeholder of the grammar (NAME, LOC/ROOM, a|b|c, ...).
_herstelctl_values()
{
	local ph=$1 noun=$2 ctl=$3
	shift 3
	# Fixed values: a|b|c, or one lowercase word (--format csv).
	if [[ ( $ph == *'|'* || $ph =~ ^[a-z]+$ ) && $ph != *[A-Z]* ]]; then
		printf '%s\n' ${ph//|/ }
		return
	fi
	case $ph in
	SLUG)	# location SLUG, group SLUG, and --group SLUG elsewhere
		if [ "$noun" = location ]; then
			_herstelctl_slugs location "$ctl" "$@"
		else
			_herstelctl_slugs group "$ctl" "$@"
		fi ;;
	LOC|L) _herstelctl_slugs location "$ctl" "$@" ;;
	LOC/ROOM) _herstelctl_slugs room "$ctl" "$@" ;;
	'LOC[/ROOM]')
		_herstelctl_slugs location "$ctl" "$@"
		_herstelctl_slugs room "$ctl" "$@" ;;
	G|GROUP) _herstelctl_slugs group "$ctl" "$@" ;;
	esac
}

_herstelctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} ctl=${COMP_WORDS[0]}
	local -a conn=()
	local i=1 w noun="" verb="" verbs opts args ph="" n=0 o

	# An uninstalled cli/herstelctl asks its own daemon; otherwise PATH's.
	[ -x "$ctl" ] || ctl=herstelctl
	COMPREPLY=()

	# Global options, before the noun.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		case $w in
		--socket|--url|--token)
			conn+=("$w" "${COMP_WORDS[i + 1]}")
			i=$((i + 2))
			continue ;;
		--socket=*|--url=*|--token=*) conn+=("$w") ;;
		-*) ;;
		*) break ;;
		esac
		i=$((i + 1))
	done
	if [ "$i" -gt "$COMP_CWORD" ]; then
		# Just after --socket (the value is the current word).
		[ "${COMP_WORDS[COMP_CWORD - 1]}" = --socket ] &&
		    COMPREPLY=($(compgen -f -- "$cur"))
		return 0
	fi
	if [ "$i" -eq "$COMP_CWORD" ]; then
		case $cur in
		-*) COMPREPLY=($(compgen -W '--socket --url --token --json
		    --help --version' -- "$cur")) ;;
		*) COMPREPLY=($(compgen -W "$_herstelctl_nouns" -- "$cur")) ;;
		esac
		return 0
	fi
	noun=${COMP_WORDS[i]}
	case " $_herstelctl_nouns " in
	*" $noun "*) ;;
	*) return 0 ;;
	esac
	i=$((i + 1))
	eval "verbs=\$_herstelctl_verbs_$noun"
	if [ -n "$verbs" ]; then
		if [ "$i" -eq "$COMP_CWORD" ]; then
			COMPREPLY=($(compgen -W "$verbs --help" -- "$cur"))
			return 0
		fi
		verb=${COMP_WORDS[i]}
		case " $verbs " in
		*" $verb "*) ;;
		*) return 0 ;;
		esac
		i=$((i + 1))
	fi
	eval "opts=\$_herstelctl_opts_${noun}_$verb"
	eval "args=\$_herstelctl_args_${noun}_$verb"

	# The words so far: options (with their values) and operands.
	while [ "$i" -lt "$COMP_CWORD" ]; do
		w=${COMP_WORDS[i]}
		ph=""
		case $w in
		--*=*) ;;
		--*)
			for o in $opts; do
				if [ "${o%%=*}" = "$w" ] && [ "$o" != "$w" ]; then
					ph=${o#*=}
				fi
			done ;;
		*) n=$((n + 1)) ;;
		esac
		i=$((i + 1))
		if [ -n "$ph" ]; then
			# The option's value: the current word, or one before it.
			[ "$i" -eq "$COMP_CWORD" ] && break
			i=$((i + 1))
			ph=""
		fi
	done

	if [ -z "$ph" ]; then
		case $cur in
		-*)
			local words="--help"
			for o in $opts; do
				words="$words ${o%%=*}"
			done
			COMPREPLY=($(compgen -W "$words" -- "$cur"))
			return 0 ;;
		esac
		# Operand n+1 of the verb.
		set -- $args
		[ "$n" -lt "$#" ] || return 0
		shift "$n"
		ph=$1
	fi
	case $ph in
	*.ics|*.txt|FILE*)
		COMPREPLY=($(compgen -f -- "$cur"))
		return 0 ;;
	esac
	COMPREPLY=($(compgen -W "$(_herstelctl_values "$ph" "$noun" "$ctl" \
	    "${conn[@]}")" -- "$cur"))
	return 0
}

complete -F _herstelctl herstelctl
