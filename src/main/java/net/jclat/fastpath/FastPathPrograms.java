package net.jclat.fastpath;

import com.sun.jna.Memory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;

/**
 * The TC programs of the kernel fast path (uplink ingress; TUN egress, IPv4 and routed IPv6), loaded from the
 * objects the build packed into the jar, with the maps they share: the configuration (a new inner map per configuration, swapped in by one update of an
 * array of maps), the per-CPU counters and the per-CPU IPv4 identification. jclat's own small loader ({@link BpfObject}, {@link Bpf}), not libbpf: see
 * docs/architecture.md. Attaching them to the uplink and the TUN is the caller's business.
 */
public final class FastPathPrograms implements AutoCloseable {
    static final String UPLINK_INGRESS = "uplink_ingress";
    static final String TUN_EGRESS = "tun_egress";
    /** uplink_ingress.c built for the TUN's egress: downstream IPv6 the kernel routed there (SQM, see the C). */
    static final String TUN_EGRESS6 = "tun_egress6";
    private static final byte[] KEY0 = new byte[4];
    private static final int MAP_TYPE_ARRAY = 2;
    private static final int MAP_TYPE_ARRAY_OF_MAPS = 12;
    /** The map of maps the programs look the configuration up in, and the layout of its one inner map. */
    private static final String CONFIG = "config";
    private static final String CONFIG_VALUE = "config_value";

    private final Map<String, Integer> mapFds = new HashMap<>();
    private final Map<String, BpfObject.MapDef> mapDefs = new HashMap<>();
    private int uplinkIngress = -1;
    private int tunEgress = -1;
    private int tunEgress6 = -1;
    private final int cpus;
    private Bpf.Lookup counterLookup;

    private FastPathPrograms() throws IOException {
        this.cpus = Bpf.possibleCpus();
    }

    /**
     * Creates the maps and loads the programs through the verifier. Throws with the reason when the kernel
     * refuses (no bpf(2), no permission, a helper it lacks such as bpf_redirect_neigh before Linux 5.10).
     */
    public static FastPathPrograms load() throws IOException {
        FastPathPrograms p = new FastPathPrograms();
        try {
            p.uplinkIngress = p.loadProgram(UPLINK_INGRESS, "jclat_up_in");
            p.tunEgress = p.loadProgram(TUN_EGRESS, "jclat_tun_eg");
            p.tunEgress6 = p.loadProgram(TUN_EGRESS6, "jclat_tun_eg6");
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
        BpfObject.MapDef value = o.maps().get(CONFIG_VALUE);
        BpfObject.MapDef config = o.maps().get(CONFIG);
        if (value == null || value.type() != MAP_TYPE_ARRAY || value.maxEntries() != 1
                || value.valueSize() != FastPathConfig.SIZE) {
            throw new IOException(name + ".o: " + CONFIG_VALUE + " is not a one-element array of the "
                    + FastPathConfig.SIZE + " bytes FastPathConfig writes");
        }
        if (config == null || config.type() != MAP_TYPE_ARRAY_OF_MAPS) {
            throw new IOException(name + ".o: " + CONFIG + " is not an array of maps");
        }
        createMap(name, CONFIG_VALUE, value, 0);
        for (Map.Entry<String, BpfObject.MapDef> e : o.maps().entrySet()) {
            int inner = e.getKey().equals(CONFIG) ? mapFds.get(CONFIG_VALUE) : 0;
            createMap(name, e.getKey(), e.getValue(), inner);
        }
        return Bpf.progLoad(kernelName, Bpf.PROG_TYPE_SCHED_CLS, o.relocated(mapFds), o.license());
    }

    /** Creates a map the first program defines; the second must define it the same way. */
    private void createMap(String object, String map, BpfObject.MapDef d, int innerMapFd) throws IOException {
        BpfObject.MapDef known = mapDefs.get(map);
        if (known == null) {
            mapFds.put(map, Bpf.mapCreate("jclat_" + map, d.type(), d.keySize(), d.valueSize(), d.maxEntries(),
                    d.flags(), innerMapFd));
            mapDefs.put(map, d);
        } else if (!known.equals(d)) {
            throw new IOException("map " + map + " is defined differently in " + object + ".o");
        }
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

    public int tunEgress6Fd() {
        return tunEgress6;
    }

    /**
     * Swaps the configuration in one update (every program sees the old one or the new one, never a mix): it is
     * written into a new inner map, which then replaces the old one in {@code config}. The kernel frees the old
     * map after an RCU grace period; our descriptor of the new one is closed, {@code config} holds it.
     */
    public void configure(FastPathConfig c) throws IOException {
        BpfObject.MapDef d = mapDefs.get(CONFIG_VALUE);
        int inner = Bpf.mapCreate("jclat_config", d.type(), d.keySize(), d.valueSize(), d.maxEntries(), d.flags());
        try {
            Bpf.mapUpdate(inner, KEY0, c.encode());
            Bpf.mapUpdate(mapFds.get(CONFIG), KEY0,
                    ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, inner).array());
        } finally {
            Bpf.close(inner);
        }
    }

    /** Removes the configuration: from the next packet on, the programs pass everything to the TUN path. */
    public void unconfigure() throws IOException {
        Bpf.mapDelete(mapFds.get(CONFIG), KEY0);
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
        Bpf.close(tunEgress6);
        uplinkIngress = -1;
        tunEgress = -1;
        tunEgress6 = -1;
        for (int fd : mapFds.values()) {
            Bpf.close(fd);
        }
        mapFds.clear();
    }
}
