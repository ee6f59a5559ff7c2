#!/bin/sh
# STAND-IN for netifd's /lib/netifd/netifd-proto.sh (and libubox's jshn.sh) in tests: netifd, ubus and
# fw4 cannot run on Debian. Every call the handler or the hook makes is appended, one line each, to
# $IPKG_INSTROOT/standin/calls. What netifd and fw4 would do with an update is then done for real in
# the caller's network namespace (address, routes, SNAT), so a test can send traffic through it.
# proto_run_command really starts the command, proto_kill_command really signals it.
# shellcheck shell=dash

_si="${IPKG_INSTROOT}/standin"
_rec() {
	printf '%s\n' "$*" >>"$_si/calls"
}

# --- the JSON that netifd hands the handler (jshn's reading side), answered with python3; a boolean
# reads as 1 or 0, as jshn gives it
_si_get() {
	printf '%s' "$data" | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1])
if isinstance(v, bool):
    v = int(v)
if v is not None:
    print(" ".join(map(str, v)) if isinstance(v, list) else v, end="")' "$1"
}
json_get_vars() {
	local _v
	for _v in "$@"; do
		eval "$_v=\$(_si_get \"\$_v\")"
	done
}
json_get_values() {
	eval "$1=\$(_si_get \"\$2\")"
}

# --- the JSON the handler builds (jshn's writing side): recorded
json_init() { _rec json_init; }
json_add_string() {
	_rec json_add_string "$@"
	[ "$1" = snat_ip ] && _SI_SNAT="$2"
	return 0
}
json_add_int() { _rec json_add_int "$@"; }
json_add_boolean() { _rec json_add_boolean "$@"; }
json_add_array() { _rec json_add_array "$@"; }
json_close_array() { _rec json_close_array; }
json_add_object() { _rec json_add_object "$@"; }
json_close_object() { _rec json_close_object; }

proto_config_add_string() { _rec config string "$1"; }
proto_config_add_int() { _rec config int "$1"; }
proto_config_add_boolean() { _rec config boolean "$1"; }
proto_config_add_array() { _rec config array "$1"; }

proto_init_update() {
	_rec proto_init_update "$@"
	_SI_DEV="$1" _SI_UP="$2" _SI_ADDRS="" _SI_ROUTES="" _SI_ROUTES6="" _SI_SNAT=""
}
proto_add_ipv4_address() {
	_rec proto_add_ipv4_address "$@"
	_SI_ADDRS="$_SI_ADDRS $1/$2"
}
proto_add_ipv4_route() {
	_rec proto_add_ipv4_route "$@"
	_SI_ROUTES="$_SI_ROUTES $1/$2,${5:-0}"
}
proto_add_ipv6_route() {
	_rec proto_add_ipv6_route "$@"
	_SI_ROUTES6="$_SI_ROUTES6 $1/$2,${4:-0}"
}
proto_add_data() { _rec proto_add_data; }
proto_close_data() { _rec proto_close_data; }

# netifd replaces the interface's addresses and routes with those of the update; fw4 its SNAT rule.
# Recorded once applied, so a test that sees the call can use the result.
proto_send_update() {
	_si_apply "$1"
	_rec proto_send_update "$@"
}
_si_apply() {
	local a r table="standin_fw4_$1"
	[ -n "$_SI_DEV" ] && ip link show "$_SI_DEV" >/dev/null 2>&1 || return 0
	ip addr flush dev "$_SI_DEV" scope global
	ip route flush dev "$_SI_DEV" proto static
	ip -6 route flush dev "$_SI_DEV" proto static
	nft delete table ip "$table" 2>/dev/null
	[ "$_SI_UP" = 1 ] || return 0
	for a in $_SI_ADDRS; do ip addr add "$a" dev "$_SI_DEV"; done
	for r in $_SI_ROUTES; do ip route add "${r%,*}" dev "$_SI_DEV" metric "${r#*,}" proto static; done
	for r in $_SI_ROUTES6; do ip -6 route add "${r%,*}" dev "$_SI_DEV" metric "${r#*,}" proto static; done
	if [ -n "$_SI_SNAT" ]; then
		nft -f - <<NFT
table ip $table {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$_SI_DEV" ip saddr != $_SI_SNAT snat to $_SI_SNAT
	}
}
NFT
	fi
}

proto_export() {
	_rec proto_export "$@"
	export "${1?}"
}
proto_run_command() {
	_rec proto_run_command "$@"
	shift
	(
		"$@" >>"$_si/command.log" 2>&1 &
		echo $! >"$_si/command.pid"
		wait $!
		echo $? >"$_si/command.exit"
	) </dev/null >/dev/null 2>&1 &
}
proto_kill_command() {
	_rec proto_kill_command "$@"
	[ -s "$_si/command.pid" ] && kill "-${2:-TERM}" "$(cat "$_si/command.pid")"
	return 0
}
proto_notify_error() { _rec proto_notify_error "$@"; }
proto_block_restart() { _rec proto_block_restart "$@"; }
proto_set_available() { _rec proto_set_available "$@"; }
proto_add_host_dependency() { _rec proto_add_host_dependency "$@"; }

# shellcheck disable=SC2034 # the variables are read through eval in add_protocol
init_proto() {
	proto="$1"
	cmd="$2"
	interface="$3"
	data="$4"
	ifname="$5"
}
add_protocol() {
	case "$cmd" in
		dump) eval "proto_$1_init_config" ;;
		setup) eval "proto_$1_setup \"\$interface\" \"\$ifname\"" ;;
		teardown) eval "proto_$1_teardown \"\$interface\" \"\$ifname\"" ;;
	esac
}
