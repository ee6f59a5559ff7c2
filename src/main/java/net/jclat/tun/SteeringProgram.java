package net.jclat.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The eBPF steering program of a multi-queue TUN (its return value, truncated to 16 bits, modulo the number of
 * queues, is the queue; drivers/net/tun.c, tun_ebpf_select_queue). Written as instructions here because it is
 * small and jclat loads it without libbpf or a compiler.
 *
 * <p>A TCP packet goes by its flow: a hash of addresses and ports. A TCP sender transmits both from its process
 * and from the softirq that receives its ACKs, often on two CPUs; steering its segments by CPU would spread one
 * flow over two queues and reorder it (measured: ~40 000 retransmitted segments in 4 s of iperf3, against ~600
 * by flow). A fragment (IPv4 MF or offset, IPv6 with a Fragment Header right after the fixed header) goes by its
 * addresses: the fragments of one datagram may be forwarded on different CPUs (a sender that migrates between
 * them, a NIC that spreads them), and ICMP is reassembled by one worker, which must see them all. Everything
 * else — ICMP, UDP, IPv6 with extension headers before TCP or a Fragment Header — goes to the queue of the CPU
 * it is on, {@code bpf_get_smp_processor_id()}, whose worker is pinned there: no
 * wake-up on another CPU (ping RTT). A UDP flow changes CPU only when its sending process migrates.
 *
 * <p>Packets start at the IP header (an IFF_TUN device has no link-layer header), read with the socket-filter
 * packet loads LD_ABS/LD_IND; a packet too short for a load ends the program with 0 (queue 0).
 */
final class SteeringProgram {
    private static final int BPF_FUNC_GET_SMP_PROCESSOR_ID = 8;
    private static final int TCP = 6;
    private static final int FRAGMENT = 44;
    /** An odd multiplier with well-mixed bits (the 32-bit integer hash of Thomas Mueller's family). */
    private static final int MIX = 0x45d9f3b;

    // Opcodes: class | size/op | source.
    private static final int LD_ABS_B = 0x30;
    private static final int LD_ABS_H = 0x28;
    private static final int LD_ABS_W = 0x20;
    private static final int LD_IND_W = 0x40;
    private static final int ALU64_MOV_X = 0xbf;
    private static final int ALU64_RSH_K = 0x77;
    private static final int ALU64_AND_K = 0x57;
    private static final int ALU64_LSH_K = 0x67;
    private static final int ALU64_XOR_X = 0xaf;
    private static final int ALU32_MOV_X = 0xbc;
    private static final int ALU32_RSH_K = 0x74;
    private static final int ALU32_XOR_X = 0xac;
    private static final int ALU32_MUL_K = 0x24;
    private static final int JMP_JA = 0x05;
    private static final int JMP_JEQ_K = 0x15;
    private static final int JMP_JNE_K = 0x55;
    private static final int JMP_CALL = 0x85;
    private static final int JMP_EXIT = 0x95;

    private static final int R0 = 0;
    private static final int R1 = 1;
    private static final int R6 = 6;
    private static final int R7 = 7;
    private static final int R8 = 8;

    private record Insn(int code, int dst, int src, String target, int off, int imm) {
    }

    private final List<Insn> insns = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    private SteeringProgram() {
    }

    /** The program's instructions in the kernel's struct bpf_insn layout, native byte order. */
    static byte[] build() {
        SteeringProgram p = new SteeringProgram();
        p.op(ALU64_MOV_X, R6, R1, 0); // LD_ABS/LD_IND read the packet of the context in r6
        p.op(LD_ABS_B, 0, 0, 0); // version and IHL
        p.op(ALU64_RSH_K, R0, 0, 4);
        p.jump(JMP_JEQ_K, R0, 4, "ipv4");
        p.jump(JMP_JEQ_K, R0, 6, "ipv6");
        p.jump(JMP_JA, 0, 0, "by-cpu");

        p.label("ipv4");
        p.op(LD_ABS_W, 0, 0, 12); // source address
        p.op(ALU64_MOV_X, R7, R0, 0);
        p.op(LD_ABS_W, 0, 0, 16); // destination address
        p.op(ALU64_XOR_X, R7, R0, 0);
        p.op(LD_ABS_H, 0, 0, 6); // flags and fragment offset
        p.op(ALU64_AND_K, R0, 0, 0x3fff); // MF or an offset: a fragment, which goes by its addresses
        p.jump(JMP_JNE_K, R0, 0, "mix");
        p.op(LD_ABS_B, 0, 0, 9); // protocol
        p.jump(JMP_JNE_K, R0, TCP, "by-cpu");
        p.op(LD_ABS_B, 0, 0, 0);
        p.op(ALU64_AND_K, R0, 0, 0xf);
        p.op(ALU64_LSH_K, R0, 0, 2); // header length in bytes
        p.op(ALU64_MOV_X, R8, R0, 0);
        p.op(LD_IND_W, 0, R8, 0); // source and destination port
        p.op(ALU64_XOR_X, R7, R0, 0);
        p.jump(JMP_JA, 0, 0, "mix");

        p.label("ipv6");
        p.op(LD_ABS_B, 0, 0, 6); // next header: a Fragment Header or TCP right after the fixed header
        p.op(ALU64_MOV_X, R8, R0, 0);
        p.op(LD_ABS_W, 0, 0, 8);
        p.op(ALU64_MOV_X, R7, R0, 0);
        for (int at = 12; at <= 36; at += 4) { // the rest of both addresses
            p.op(LD_ABS_W, 0, 0, at);
            p.op(ALU64_XOR_X, R7, R0, 0);
        }
        p.jump(JMP_JEQ_K, R8, FRAGMENT, "mix");
        p.jump(JMP_JNE_K, R8, TCP, "by-cpu");
        p.op(LD_ABS_W, 0, 0, 40); // the ports
        p.op(ALU64_XOR_X, R7, R0, 0);

        p.label("mix"); // h ^= h >> 16; h *= MIX; h ^= h >> 16 (32 bits)
        p.op(ALU32_MOV_X, R0, R7, 0);
        p.op(ALU32_RSH_K, R0, 0, 16);
        p.op(ALU32_XOR_X, R7, R0, 0);
        p.op(ALU32_MUL_K, R7, 0, MIX);
        p.op(ALU32_MOV_X, R0, R7, 0);
        p.op(ALU32_RSH_K, R0, 0, 16);
        p.op(ALU32_XOR_X, R0, R7, 0);
        p.op(JMP_EXIT, 0, 0, 0);

        p.label("by-cpu");
        p.op(JMP_CALL, 0, 0, BPF_FUNC_GET_SMP_PROCESSOR_ID);
        p.op(JMP_EXIT, 0, 0, 0);
        return p.encode();
    }

    private void op(int code, int dst, int src, int imm) {
        insns.add(new Insn(code, dst, src, null, 0, imm));
    }

    private void jump(int code, int dst, int imm, String target) {
        insns.add(new Insn(code, dst, 0, target, 0, imm));
    }

    private void label(String name) {
        labels.put(name, insns.size());
    }

    private byte[] encode() {
        ByteOrder order = ByteOrder.nativeOrder();
        ByteBuffer b = ByteBuffer.allocate(insns.size() * 8).order(order);
        for (int i = 0; i < insns.size(); i++) {
            Insn n = insns.get(i);
            int off = n.target() == null ? n.off() : labels.get(n.target()) - i - 1; // relative to the next
            int regs = order == ByteOrder.LITTLE_ENDIAN ? n.dst() | n.src() << 4 : n.dst() << 4 | n.src();
            b.put(i * 8, (byte) n.code());
            b.put(i * 8 + 1, (byte) regs);
            b.putShort(i * 8 + 2, (short) off);
            b.putInt(i * 8 + 4, n.imm());
        }
        return b.array();
    }
}
