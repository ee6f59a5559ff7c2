#!/bin/sh
# netifd protocol handler "464xlat" run by jclat: a drop-in for OpenWrt's own 464xlat handler (the
# package CONFLICTS with 464xlat). netifd calls it with setup/teardown; setup starts "jclat run" as the
# interface's command, and jclat runs /lib/netifd/jclat.script on every state change, which pushes the
# TUN's address, routes and firewall data back to netifd. jclat itself owns only the TUN
# (--netifd-managed on). See docs/openwrt.md.
# shellcheck shell=dash

[ -n "$INCLUDE_ONLY" ] || {
	# As OpenWrt's own protocol handlers: netifd runs them from /lib/netifd/proto.
	# shellcheck disable=SC1091
	. /lib/functions.sh
	# shellcheck disable=SC1091
	. /lib/functions/network.sh
	# shellcheck disable=SC1091
	. ../netifd-proto.sh
	init_proto "$@"
}

JCLAT_BIN=/usr/bin/jclat
JCLAT_SCRIPT=/lib/netifd/jclat.script

proto_464xlat_init_config() {
	# shellcheck disable=SC2034 # both read by netifd-proto.sh's add_protocol
	no_device=1
	# shellcheck disable=SC2034
	available=1

	# the options of OpenWrt's own handler
	proto_config_add_string "ip6prefix"
	proto_config_add_string "ip6addr"
	proto_config_add_string "tunlink"
	proto_config_add_string "zone"
	proto_config_add_int "mtu"
	# jclat's
	proto_config_add_array "pref64"
	proto_config_add_string "pref64_source"
	# DNS64 servers for RFC 7050 discovery. Not "dns": netifd reads that on every interface as resolvers
	# for the whole router (and hands it to the handler anyway, so an old "dns" is still seen below).
	proto_config_add_array "dns64_server"
	proto_config_add_string "mode"
	proto_config_add_string "clat_v4"
	proto_config_add_array "eam"
	proto_config_add_array "map"
	proto_config_add_int "workers"
	proto_config_add_array "plat_probe"
	proto_config_add_boolean "native_ipv4_standby"
	proto_config_add_boolean "allow_wkp_non_global"
	# RFC 7915 sections 4.1/5.1 (traffic class/TOS set to 0) and 4.4/5.4 (originate ICMP errors or not)
	proto_config_add_boolean "ignore_tos"
	proto_config_add_boolean "icmp_errors"
	proto_config_add_string "udp_zero_checksum"
	proto_config_add_string "plat_down_routes"
	proto_config_add_int "route_metric"
	proto_config_add_int "icmp_errors_per_second"
	proto_config_add_string "cpu_steering"
	proto_config_add_string "fast_path"
	proto_config_add_string "config"
	# IPv6-mostly LANs (logical names, e.g. lan): the hook gives them odhcpd's PREF64 and option 108
	proto_config_add_array "ipv6_mostly"
	proto_config_add_int "v6only_wait"
	# who sends their PREF64 (RFC 8781): odhcpd (ra_pref64, set by the hook) or jclat's own RAs
	proto_config_add_string "pref64_sender"
}

# Adds "--FLAG VALUE" to the command being built for every value of a list option.
_jclat_list() {
	local flag="$1" option="$2" values value
	json_get_values values "$option"
	for value in $values; do
		_jclat_cmd="$_jclat_cmd
--$flag
$value"
	done
}

_jclat_opt() {
	[ -n "$2" ] || return 0
	_jclat_cmd="$_jclat_cmd
--$1
$2"
}

proto_464xlat_setup() {
	local cfg="$1"
	local tun="464-$cfg"
	local ip6addr ip6prefix tunlink zone mtu pref64_source mode clat_v4 workers native_ipv4_standby
	local icmp_errors_per_second cpu_steering fast_path config uplink allow_wkp_non_global dns64_server dns
	local plat_down_routes route_metric v6only_wait ipv6_mostly pref64_sender lan lan_dev lans devs
	local ignore_tos icmp_errors udp_zero_checksum
	json_get_vars ip6addr ip6prefix tunlink zone mtu pref64_source mode clat_v4 workers native_ipv4_standby
	json_get_vars icmp_errors_per_second cpu_steering fast_path config allow_wkp_non_global
	json_get_vars plat_down_routes route_metric v6only_wait pref64_sender
	json_get_vars ignore_tos icmp_errors udp_zero_checksum

	# Wait for IPv6 on the uplink (or anywhere, without a tunlink) before netifd sets this up.
	( proto_add_host_dependency "$cfg" "::" "$tunlink" )

	if [ -z "$tunlink" ] && ! network_find_wan6 tunlink; then
		proto_notify_error "$cfg" "NO_WAN_LINK"
		return
	fi
	if ! network_get_device uplink "$tunlink" || [ -z "$uplink" ]; then
		proto_notify_error "$cfg" "NO_WAN_DEVICE" "$tunlink"
		return
	fi
	# A config file (docs/running.md) first: jclat applies its arguments in order, so everything after it,
	# the handler's own uplink, TUN, name, netifd mode and hook included, overrides the file's lines.
	_jclat_cmd="run"
	_jclat_opt config "$config"
	_jclat_cmd="$_jclat_cmd
--uplink
$uplink
--tun
$tun
--name
$cfg
--netifd-managed
on
--hook
$JCLAT_SCRIPT"
	_jclat_opt clat-v6 "$ip6addr"
	_jclat_opt ipv4-mtu "$mtu"
	_jclat_opt mode "$mode"
	_jclat_opt clat-v4 "$clat_v4"
	_jclat_opt workers "$workers"
	_jclat_opt pref64-source "$pref64_source"
	_jclat_opt icmp-errors-per-second "$icmp_errors_per_second"
	_jclat_opt cpu-steering "$cpu_steering"
	_jclat_opt fast-path "$fast_path"
	_jclat_opt plat-down-routes "$plat_down_routes"
	_jclat_opt route-metric "$route_metric"
	_jclat_opt udp-zero-checksum "$udp_zero_checksum"
	case "$native_ipv4_standby" in
		0) _jclat_opt native-ipv4-standby off ;;
		1) _jclat_opt native-ipv4-standby on ;;
	esac
	case "$allow_wkp_non_global" in
		0) _jclat_opt allow-wkp-non-global off ;;
		1) _jclat_opt allow-wkp-non-global on ;;
	esac
	# Unset: jclat's own default (TOS copied, errors sent), so nothing is passed.
	case "$ignore_tos" in
		0) _jclat_opt ignore-tos off ;;
		1) _jclat_opt ignore-tos on ;;
	esac
	case "$icmp_errors" in
		0) _jclat_opt icmp-errors off ;;
		1) _jclat_opt icmp-errors on ;;
	esac
	# OpenWrt's own 464xlat takes ip6prefix as the PLAT's (NAT64) prefix; it comes first, then the list.
	_jclat_opt pref64 "$ip6prefix"
	_jclat_list pref64 pref64
	json_get_values dns64_server dns64_server
	json_get_values dns dns
	if [ -n "$dns64_server" ]; then
		_jclat_list dns dns64_server
	elif [ -n "$dns" ]; then
		# Before dns64_server existed, jclat took its discovery servers from "dns": still honoured.
		echo "jclat: interface $cfg: option dns is netifd's list of resolvers for the whole router;" \
			"jclat still uses it for DNS64 discovery, but rename it: uci rename network.$cfg.dns=dns64_server" >&2
		_jclat_list dns dns
	fi
	_jclat_list eam eam
	_jclat_list map map
	_jclat_list plat-probe plat_probe
	json_get_values ipv6_mostly ipv6_mostly
	case "${pref64_sender:-odhcpd}" in
		odhcpd)
			# Logical interface names, passed as they are: jclat only hands them back to the hook
			# (JCLAT_IPV6_MOSTLY_IFACES), which finds their dhcp sections; odhcpd sends the RAs, not jclat.
			if [ -n "$ipv6_mostly" ]; then
				_jclat_list ipv6-mostly ipv6_mostly
				_jclat_opt ipv6-mostly-ra off
				_jclat_opt v6only-wait "$v6only_wait"
			fi
			;;
		jclat)
			# jclat sends the PREF64 RAs itself (lifetime 0 on withdrawal, RFC 8781 section 4), so it
			# needs the LANs' devices; the hook gets the logical names of those LANs (option 108 only).
			lans="" devs=""
			for lan in $ipv6_mostly; do
				lan_dev=""
				if ! network_get_device lan_dev "$lan" || [ -z "$lan_dev" ]; then
					echo "jclat: interface $cfg: ipv6_mostly $lan has no device yet; left out until $cfg is set up again" >&2
					continue
				fi
				lans="${lans:+$lans }$lan"
				devs="${devs:+$devs,}$lan_dev"
			done
			if [ -n "$devs" ]; then
				_jclat_opt ipv6-mostly "$devs"
				_jclat_opt ipv6-mostly-ra on
				_jclat_opt v6only-wait "$v6only_wait"
				proto_export "JCLAT_PREF64_SENDER=jclat"
				proto_export "JCLAT_IPV6_MOSTLY_LANS=$lans"
			fi
			;;
		*)
			proto_notify_error "$cfg" "BAD_PREF64_SENDER" "$pref64_sender"
			proto_block_restart "$cfg"
			return
			;;
	esac

	# jclat.script reads the zone from the environment jclat inherits.
	proto_export "JCLAT_ZONE=${zone:-wan}"
	# One argument per line of $_jclat_cmd, taken literally (no globbing).
	set -f
	IFS='
'
	# shellcheck disable=SC2086
	set -- $_jclat_cmd
	IFS=' 	
'
	set +f
	proto_run_command "$cfg" "$JCLAT_BIN" "$@"
}

proto_464xlat_teardown() {
	local cfg="$1"

	# netifd passes jclat's exit status as ERROR. An exit with a status is not cured by starting again
	# at once: say why and stay down until "ifup", rather than restart in a loop.
	case "${ERROR:-0}" in
		0) ;;
		2)
			proto_notify_error "$cfg" "JCLAT_BAD_CONFIG"
			proto_block_restart "$cfg"
			;;
		*)
			proto_notify_error "$cfg" "JCLAT_EXIT_$ERROR"
			proto_block_restart "$cfg"
			;;
	esac
	proto_kill_command "$cfg"
}

[ -n "$INCLUDE_ONLY" ] || {
	add_protocol 464xlat
}
