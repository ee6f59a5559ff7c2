#!/bin/sh
# STAND-IN for netifd's /lib/netifd/netifd-proto.sh (and libubox's jshn.sh) in tests: netifd, ubus and
# fw4 cannot run on Debian. Every call the handler or the hook makes is appended, one line each, to
# $STANDIN_DIR/calls. What netifd and fw4 would do with an update is then done for real in the caller's
# network namespace (address, routes with the route attributes netifd reads - interface-ip.c route_attr:
# target, netmask, metric, mtu -, SNAT), so a test can send traffic through it. fw4's zone options
# (mtu_fix) are not modelled. proto_run_command really starts the command, with its output logged as
# netifd logs it ("IFACE (PID): LINE", main.c) to $STANDIN_DIR/netifd.log; proto_kill_command signals it.
# shellcheck shell=dash

_si="${STANDIN_DIR:?}"
_rec() {
	printf '%s\n' "$*" >>"$_si/calls"
}

# --- the JSON that netifd hands the handler (jshn's reading side): read once with python3 into
# _SI_J_<key> variables (lists space-separated)
_si_load() {
	eval "$(printf '%s' "$1" | python3 -c '
import json, re, sys
for k, v in json.load(sys.stdin).items():
    if re.fullmatch(r"[A-Za-z0-9_]+", k):
        v = " ".join(map(str, v)) if isinstance(v, list) else str(int(v) if isinstance(v, bool) else v)
        print("_SI_J_%s=\x27%s\x27" % (k, v.replace("\x27", "\x27\\\x27\x27")))')"
}
json_get_vars() {
	local _v
	for _v in "$@"; do
		eval "$_v=\${_SI_J_$_v:-}"
	done
}
json_get_values() {
	eval "$1=\${_SI_J_$2:-}"
}

# --- the JSON the handler builds (jshn's writing side): recorded
json_init() { _rec json_init; }
json_add_string() {
	_rec json_add_string "$@"
	[ "$1" = snat_ip ] && _SI_SNAT="$2"
	[ "$_SI_IN" = route ] && eval "_SI_R_$1=\$2"
	return 0
}
json_add_int() {
	_rec json_add_int "$@"
	[ "$_SI_IN" = route ] && eval "_SI_R_$1=\$2"
	return 0
}
json_add_boolean() { _rec json_add_boolean "$@"; }
# A "routes" array at the top of an update: netifd reads each object as a route (interface-ip.c).
json_add_array() {
	_rec json_add_array "$@"
	[ "$1" = routes ] && [ -z "$_SI_NESTED" ] && _SI_IN=routes
	return 0
}
json_close_array() {
	_rec json_close_array
	_SI_IN=""
}
json_add_object() {
	_rec json_add_object "$@"
	[ "$_SI_IN" = routes ] && _SI_IN=route _SI_R_target="" _SI_R_netmask="" _SI_R_metric="" _SI_R_mtu=""
	return 0
}
json_close_object() {
	_rec json_close_object
	if [ "$_SI_IN" = route ]; then
		_SI_ROUTES="$_SI_ROUTES $_SI_R_target/$_SI_R_netmask,${_SI_R_metric:-0},$_SI_R_mtu"
		_SI_IN=routes
	fi
	return 0
}

proto_config_add_string() { _rec config string "$1"; }
proto_config_add_int() { _rec config int "$1"; }
proto_config_add_boolean() { _rec config boolean "$1"; }
proto_config_add_array() { _rec config array "$1"; }

proto_init_update() {
	_rec proto_init_update "$@"
	_SI_DEV="$1" _SI_UP="$2" _SI_ADDRS="" _SI_ROUTES="" _SI_ROUTES6="" _SI_SNAT="" _SI_IN="" _SI_NESTED=""
}
proto_add_ipv4_address() {
	_rec proto_add_ipv4_address "$@"
	_SI_ADDRS="$_SI_ADDRS $1/$2"
}
proto_add_ipv4_route() {
	_rec proto_add_ipv4_route "$@"
	_SI_ROUTES="$_SI_ROUTES $1/$2,${5:-0},"
}
proto_add_ipv6_route() {
	_rec proto_add_ipv6_route "$@"
	_SI_ROUTES6="$_SI_ROUTES6 $1/$2,${4:-0}"
}
proto_add_data() {
	_rec proto_add_data
	_SI_NESTED=1
}
proto_close_data() {
	_rec proto_close_data
	_SI_NESTED=""
}

# netifd replaces the interface's addresses and routes with those of the update, as a difference (what
# stays is not touched: vlist in interface-ip.c); fw4 its SNAT rule. Recorded once applied, so a test that
# sees the call can use the result.
proto_send_update() {
	_si_apply "$1"
	_rec proto_send_update "$@"
}
_si_apply() {
	local kind x table="standin_fw4_$1" state="$_si/applied.$_SI_DEV"
	[ -n "$_SI_DEV" ] && ip link show "$_SI_DEV" >/dev/null 2>&1 || return 0
	[ "$_SI_UP" = 1 ] || _SI_ADDRS="" _SI_ROUTES="" _SI_ROUTES6="" _SI_SNAT=""
	for x in $_SI_ADDRS; do ip addr replace "$x" dev "$_SI_DEV"; done
	for x in $_SI_ROUTES; do
		set -- "${x%%,*}" "${x#*,}"
		# shellcheck disable=SC2046 # "mtu N" is two words, or none
		ip route replace "$1" dev "$_SI_DEV" metric "${2%,*}" proto static $([ -n "${2#*,}" ] && echo mtu "${2#*,}")
	done
	for x in $_SI_ROUTES6; do ip -6 route replace "${x%,*}" dev "$_SI_DEV" metric "${x#*,}" proto static; done
	# what the previous update had and this one has not
	[ -s "$state" ] && while read -r kind x; do
		case "$kind" in
			a) case " $_SI_ADDRS " in *" $x "*) ;; *) ip addr del "$x" dev "$_SI_DEV" ;; esac ;;
			# a route is its prefix and metric; replace above has already changed its MTU
			r) case " $_SI_ROUTES" in *" ${x%,*},"*) ;; *) ip route del "${x%%,*}" dev "$_SI_DEV" metric "$(echo "$x" | cut -d, -f2)" ;; esac ;;
			r6) case " $_SI_ROUTES6 " in *" $x "*) ;; *) ip -6 route del "${x%,*}" dev "$_SI_DEV" metric "${x#*,}" ;; esac ;;
		esac
	done <"$state"
	{
		for x in $_SI_ADDRS; do echo "a $x"; done
		for x in $_SI_ROUTES; do echo "r $x"; done
		for x in $_SI_ROUTES6; do echo "r6 $x"; done
	} >"$state"
	# fw4 reloads its ruleset in one transaction
	{
		echo "table ip $table {}"
		echo "delete table ip $table"
		if [ -n "$_SI_SNAT" ]; then
			cat <<NFT
table ip $table {
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		oifname "$_SI_DEV" ip saddr != $_SI_SNAT snat to $_SI_SNAT
	}
}
NFT
		fi
	} | nft -f -
}

proto_export() {
	_rec proto_export "$@"
	export "${1?}"
}
proto_run_command() {
	_rec proto_run_command "$@"
	local iface="$1"
	shift
	rm -f "$_si/command.fifo"
	mkfifo "$_si/command.fifo"
	(
		_si_log "$iface" <"$_si/command.fifo" >>"$_si/netifd.log" &
		"$@" >"$_si/command.fifo" 2>&1 &
		echo $! >"$_si/command.pid"
		wait $!
		echo $? >"$_si/command.exit"
	) </dev/null >/dev/null 2>&1 &
}
# netifd logs each line of a command's output as "IFACE (PID): LINE" (main.c netifd_process_log_read_cb).
_si_log() {
	local line pid=""
	while IFS= read -r line; do
		[ -n "$pid" ] || pid=$(cat "$_si/command.pid")
		printf '%s (%s): %s\n' "$1" "$pid" "$line"
	done
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
	[ -z "$data" ] || _si_load "$data"
}
add_protocol() {
	case "$cmd" in
		dump) eval "proto_$1_init_config" ;;
		setup) eval "proto_$1_setup \"\$interface\" \"\$ifname\"" ;;
		teardown) eval "proto_$1_teardown \"\$interface\" \"\$ifname\"" ;;
	esac
}
