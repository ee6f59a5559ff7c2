#!/bin/sh
# Compiles the fast path's TC programs for the bpf target (run by Maven in generate-resources; see pom.xml).
# The build requires clang and the libbpf headers: without them it fails here, with what to install, rather
# than producing a jar whose fast path silently cannot load (docs/architecture.md, "The kernel fast path").
set -eu
src=$(dirname -- "$0")
out=$1
if ! command -v clang >/dev/null 2>&1; then
    echo "jclat: clang not found; the build compiles the kernel fast path (src/main/bpf) with it." >&2
    echo "jclat: install clang, llvm and libbpf-dev (bin/jclat-setup does) and build again." >&2
    exit 1
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
    echo "jclat: /usr/include/bpf/bpf_helpers.h not found: install libbpf-dev (bin/jclat-setup does)." >&2
    exit 1
fi
# linux/types.h includes asm/types.h, which Debian keeps under the multiarch directory.
multiarch=$(clang -print-multiarch 2>/dev/null || true)
mkdir -p "$out"
# -target bpfel: the object is little-endian, like every machine jclat runs on (x86_64, aarch64).
bpf() {
    clang -O2 -Wall -Wextra -Werror -target bpfel ${multiarch:+-idirafter /usr/include/$multiarch} "$@"
}
for prog in uplink_ingress tun_egress; do
    bpf -c "$src/$prog.c" -o "$out/$prog.o"
done
# The uplink program again, for IPv6 the kernel routed into the TUN (uplink_ingress.c says when).
bpf -DROUTED_DOWNSTREAM -c "$src/uplink_ingress.c" -o "$out/tun_egress6.o"
