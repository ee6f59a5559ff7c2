#!/bin/sh
# STAND-IN for what an OpenWrt init script's start_instance uses (functions.sh's config_get,
# config_get_bool, config_list_foreach over an already loaded config; procd.sh's procd_* instance
# calls): procd, libuci and rc.common do not run on Debian. Options come from the environment as
# UCI_<option> (a "list": values separated by spaces, with <option>_LENGTH as functions.sh keeps it) or
# UCIOPT_<option> (one "option" line, which functions.sh's config_list_foreach does not see); the
# instance's command is written to $STANDIN_OUT, one argument a line.
# Usage: sh procd-instance.sh INIT_SCRIPT SECTION
# shellcheck shell=dash

config_get() {
	local _n
	case "$3" in
		*_LENGTH)
			eval "set -- \"\$1\" \${UCI_${3%_LENGTH}:-}"
			_n=$(($# - 1))
			[ "$_n" -gt 0 ] || _n=""
			eval "$1=\$_n"
			;;
		*) eval "$1=\${UCI_$3:-\${UCIOPT_$3:-\${4:-}}}" ;;
	esac
}
# As functions.sh: 1/on/true/yes/enabled and 0/off/false/no/disabled, anything else the default.
config_get_bool() {
	local _v
	eval "_v=\${UCI_$3:-}"
	case "$_v" in
		1|on|true|yes|enabled) _v=1 ;;
		0|off|false|no|disabled) _v=0 ;;
		*) _v="${4:-}" ;;
	esac
	eval "$1=\$_v"
}
config_list_foreach() {
	local _o="$2" _f="$3" _v _vs
	shift 3
	eval "_vs=\${UCI_$_o:-}"
	for _v in $_vs; do
		"$_f" "$_v" "$@"
	done
}
procd_open_instance() { :; }
procd_close_instance() { :; }
procd_set_param() {
	[ "$1" = command ] || return 0
	shift
	printf '%s\n' "$@" >"${STANDIN_OUT:?}"
}
procd_append_param() {
	[ "$1" = command ] || return 0
	shift
	printf '%s\n' "$@" >>"${STANDIN_OUT:?}"
}

# shellcheck disable=SC1090
. "$1"
start_instance "$2"
