package net.jclat.xlat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The core's test vectors for tests outside this package (the kernel fast path's differential test): the
 * packets of the RFC tests with the configuration each ran under, and the fuzz seed corpus with the fuzz
 * harness's configurations. The RFC tests build their packets inline, so they are collected by running every
 * plain {@code @Test} method of the RFC test classes with {@link XlatRun#observer} set; their assertions hold
 * (they pass on their own), and any that throws here is only a test whose packets are not collected.
 */
public final class CoreVectors {
    private CoreVectors() {
    }

    /** A configuration and one packet to translate under it. */
    public record Vector(String name, XlatConfig config, byte[] packet) {
    }

    private static final List<Class<?>> RFC_TESTS = List.of(Rfc7756Section6Test.class, Rfc7757Section4_2Test.class,
            Rfc7915Section4_1Test.class, Rfc7915Section4_2Test.class, Rfc7915Section4_3Test.class,
            Rfc7915Section4_4Test.class, Rfc7915Section4_5Test.class, Rfc7915Section5_1Test.class,
            Rfc7915Section5_1_1Test.class, Rfc7915Section5_2Test.class, Rfc7915Section5_3Test.class,
            Rfc7915Section5_4Test.class, Rfc7915Section5_5Test.class, Rfc7915Section4_1And5_1ProtocolTest.class,
            Rfc7915Section4_3And5_3InnerAddressTest.class, Rfc7915UntranslatableSourceTest.class);

    /** Every packet the RFC test classes translate through {@link XlatRun}. */
    public static synchronized List<Vector> rfcVectors() throws ReflectiveOperationException {
        List<Vector> out = new ArrayList<>();
        for (Class<?> c : RFC_TESTS) {
            for (Method m : c.getDeclaredMethods()) {
                if (!m.isAnnotationPresent(Test.class) || m.getParameterCount() != 0
                        || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                String name = c.getSimpleName() + "#" + m.getName();
                XlatRun.observer = (config, packet) -> out.add(new Vector(name, config, packet));
                try {
                    var ctor = c.getDeclaredConstructor();
                    ctor.setAccessible(true);
                    m.setAccessible(true);
                    m.invoke(ctor.newInstance());
                } catch (ReflectiveOperationException | RuntimeException e) {
                    // its own run reports it; here only its packets matter
                } finally {
                    XlatRun.observer = null;
                }
            }
        }
        return out;
    }

    /** The fuzz seed corpus (both directions), each seed with the configuration its first byte selects. */
    public static List<Vector> fuzzSeeds() {
        List<Vector> out = new ArrayList<>();
        for (Map<String, byte[]> seeds : List.of(FuzzSeeds.ipv4ToIpv6(), FuzzSeeds.ipv6ToIpv4())) {
            for (Map.Entry<String, byte[]> e : seeds.entrySet()) {
                byte[] s = e.getValue();
                out.add(new Vector(e.getKey(), TranslatorFuzzHarness.CONFIGS.get(s[0] & 7),
                        java.util.Arrays.copyOfRange(s, 1, s.length)));
            }
        }
        return out;
    }
}
