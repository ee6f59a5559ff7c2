package net.jclat.fastpath;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The two TC programs of the kernel fast path, loaded from the objects the build packed into the jar, with
 * the maps they share: the configuration (swapped whole by one update), the per-CPU counters and the per-CPU
 * IPv4 identification. jclat's own small loader ({@link BpfObject}, {@link Bpf}), not libbpf: see
 * docs/architecture.md. Attaching them to the uplink and the TUN is the caller's business.
 */
public final class FastPathPrograms implements AutoCloseable {
    static final String UPLINK_INGRESS = "uplink_ingress";
    static final String TUN_EGRESS = "tun_egress";
    private static final byte[] KEY0 = new byte[4];

    private final Map<String, Integer> mapFds = new HashMap<>();
    private final Map<String, BpfObject.MapDef> mapDefs = new HashMap<>();
    private int uplinkIngress = -1;
    private int tunEgress = -1;
    private final int cpus;
    private Bpf.Lookup counterLookup;

    private FastPathPrograms() throws IOException {
        this.cpus = Bpf.possibleCpus();
    }

    /**
     * Creates the maps and loads both programs through the verifier. Throws with the reason when the kernel
     * refuses (no bpf(2), no permission, a helper it lacks such as bpf_redirect_neigh before Linux 5.10).
     */
    public static FastPathPrograms load() throws IOException {
        FastPathPrograms p = new FastPathPrograms();
        try {
            p.uplinkIngress = p.loadProgram(UPLINK_INGRESS, "jclat_up_in");
            p.tunEgress = p.loadProgram(TUN_EGRESS, "jclat_tun_eg");
            return p;
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private int loadProgram(String name, String kernelName) throws IOException {
        BpfObject o = BpfObject.parse(resource(name + ".o"));
        if (!o.program().equals(name)) {
            throw new IOException(name + ".o holds program " + o.program());
        }
        for (Map.Entry<String, BpfObject.MapDef> e : o.maps().entrySet()) {
            BpfObject.MapDef known = mapDefs.get(e.getKey());
            if (known == null) {
                BpfObject.MapDef d = e.getValue();
                mapFds.put(e.getKey(), Bpf.mapCreate("jclat_" + e.getKey(), d.type(), d.keySize(), d.valueSize(),
                        d.maxEntries(), d.flags()));
                mapDefs.put(e.getKey(), d);
            } else if (!known.equals(e.getValue())) {
                throw new IOException("map " + e.getKey() + " is defined differently in " + name + ".o");
            }
        }
        BpfObject.MapDef config = mapDefs.get("config");
        if (config == null || config.valueSize() != FastPathConfig.SIZE) {
            throw new IOException("config map value is not the " + FastPathConfig.SIZE + " bytes FastPathConfig writes");
        }
        return Bpf.progLoad(kernelName, Bpf.PROG_TYPE_SCHED_CLS, o.relocated(mapFds), o.license());
    }

    static byte[] resource(String file) throws IOException {
        try (InputStream in = FastPathPrograms.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IOException(file + " is not in the jar (built without src/main/bpf?)");
            }
            return in.readAllBytes();
        }
    }

    public int uplinkIngressFd() {
        return uplinkIngress;
    }

    public int tunEgressFd() {
        return tunEgress;
    }

    /** Swaps the configuration in one update (both programs see the old one or the new one, never a mix). */
    public void configure(FastPathConfig c) throws IOException {
        Bpf.mapUpdate(mapFds.get("config"), KEY0, c.encode());
    }

    /** Removes the configuration: from the next packet on, both programs pass everything to the TUN path. */
    public void unconfigure() throws IOException {
        Bpf.mapDelete(mapFds.get("config"), KEY0);
    }

    /** The counters summed over all CPUs. Synchronized: the status and the control socket both read them. */
    public synchronized FastPathCounters counters() throws IOException {
        if (counterLookup == null) {
            counterLookup = new Bpf.Lookup(mapFds.get("counters"), 8 * cpus);
        }
        int n = mapDefs.get("counters").maxEntries();
        long[] sums = new long[n];
        for (int i = 0; i < n; i++) {
            Memory v = counterLookup.read(i);
            for (int cpu = 0; v != null && cpu < cpus; cpu++) {
                sums[i] += v.getLong(cpu * 8L);
            }
        }
        return new FastPathCounters(sums);
    }

    /** Sets every CPU's IPv4 identification counter (the next packet gets {@code value + 1}). For tests. */
    void setIpv4Ids(int value) throws IOException {
        ByteBuffer v = ByteBuffer.allocate(8 * cpus).order(ByteOrder.nativeOrder());
        for (int cpu = 0; cpu < cpus; cpu++) {
            v.putInt(cpu * 8, value); // per-CPU values are 8-byte aligned
        }
        Bpf.mapUpdate(mapFds.get("ipv4_ids"), KEY0, v.array());
    }

    @Override
    public void close() {
        Bpf.close(uplinkIngress);
        Bpf.close(tunEgress);
        uplinkIngress = -1;
        tunEgress = -1;
        for (int fd : mapFds.values()) {
            Bpf.close(fd);
        }
        mapFds.clear();
    }
}
