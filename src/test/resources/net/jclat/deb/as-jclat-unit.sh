#!/bin/sh
# Test scaffolding (a stand-in for systemd, which is not PID 1 on the test machines): runs the installed
# /usr/bin/jclat under the restrictions jclat@.service asks systemd for, as far as util-linux can impose
# them. DebianPackageIT checks that the unit still carries each setting mirrored here:
#   CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW CAP_BPF CAP_PERFMON   -> setpriv --bounding-set
#   NoNewPrivileges=yes                                                     -> setpriv --no-new-privs
#   ProtectSystem=strict (+ StateDirectory, CacheDirectory, RuntimeDirectory, ReadWritePaths=/proc/sys/net)
#                                        -> / read-only, those directories (and $JCLAT_UNIT_RW) writable
#   ProtectHome=yes                      -> an empty, read-only tmpfs on /root and /home
#   PrivateTmp=yes                       -> an empty tmpfs on /tmp
#   Environment=XDG_CACHE_HOME=/var/cache/jclat
# JCLAT_UNIT_RW: extra writable directories, space-separated (the lab's status file directory).
set -eu
mkdir -p /var/lib/jclat /var/cache/jclat /run/jclat
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private /bin/sh -eu -c '
	mount -t tmpfs -o ro,mode=0000 tmpfs /root
	mount -t tmpfs -o ro,mode=0000 tmpfs /home
	mount -t tmpfs -o mode=1777 tmpfs /tmp
	for dir in /var/lib/jclat /var/cache/jclat /run/jclat ${JCLAT_UNIT_RW:-}; do
		mount --bind "$dir" "$dir"
	done
	mount -o remount,bind,ro /
	for dir in /var/lib/jclat /var/cache/jclat /run/jclat ${JCLAT_UNIT_RW:-}; do
		mount -o remount,bind,rw "$dir"
	done
	exec setpriv --no-new-privs --bounding-set -all,+net_admin,+net_raw,+bpf,+perfmon \
		env XDG_CACHE_HOME=/var/cache/jclat /usr/bin/jclat "$@"
' as-jclat-unit "$@"
