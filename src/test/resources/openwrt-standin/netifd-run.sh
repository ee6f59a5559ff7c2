#!/bin/sh
# STAND-IN for the way netifd runs a protocol handler, in tests (netifd cannot run on Debian). As netifd
# does (proto-shell.c, main.c netifd_start_process): the handler runs as ./HANDLER from /lib/netifd/proto
# with "PROTO ACTION [IFACE DATA]", and each line of its output is logged as "IFACE (PID): LINE".
# The OpenWrt files come from STANDIN_ROOT/usr, laid over /usr (Debian's /lib is /usr/lib) in a mount
# namespace of this run's own: /lib/functions.sh, /lib/netifd/... and /usr/bin/jclat exist only there
# (and STANDIN_ROOT/etc/init.d, if there is one, is /etc/init.d),
# for the handler and what it starts. Calls are recorded, and the log kept, in STANDIN_ROOT/standin.
# usage: netifd-run.sh STANDIN_ROOT HANDLER PROTO ACTION [IFACE DATA]
# shellcheck shell=dash
set -eu
root="$1"
if [ -z "${STANDIN_MOUNTED:-}" ]; then
	exec env STANDIN_MOUNTED=1 unshare --mount --propagation private sh "$0" "$@"
fi
shift
handler="$1"
shift
ovl="$root/overlay"
mkdir -p "$ovl"
mount -t tmpfs standin "$ovl"
mkdir "$ovl/upper" "$ovl/work"
cp -a "$root/usr/." "$ovl/upper/"
mount -t overlay standin -o "lowerdir=/usr,upperdir=$ovl/upper,workdir=$ovl/work" /usr
# init scripts (stand-ins) in place of Debian's, for this run only
[ ! -d "$root/etc/init.d" ] || mount --bind "$root/etc/init.d" /etc/init.d
export STANDIN_DIR="$root/standin"
mkdir -p "$STANDIN_DIR"
cd /lib/netifd/proto

mkfifo "$ovl/out"
"./$handler" "$@" <"/dev/null" >"$ovl/out" 2>&1 &
pid=$!
while IFS= read -r line; do
	printf '%s (%s): %s\n' "${3:-netifd}" "$pid" "$line"
done <"$ovl/out" | tee -a "$STANDIN_DIR/netifd.log"
wait "$pid"
