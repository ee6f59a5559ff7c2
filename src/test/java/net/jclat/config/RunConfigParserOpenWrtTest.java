package net.jclat.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The settings netifd's protocol handler passes: name, hook and netifd-managed. */
class RunConfigParserOpenWrtTest {
    @TempDir
    Path dir;

    private static RunConfig parse(String... flags) throws ConfigException {
        String[] args = new String[flags.length + 3];
        args[0] = "run";
        args[1] = "--uplink";
        args[2] = "wan0";
        System.arraycopy(flags, 0, args, 3, flags.length);
        return new RunConfigParser().parse(args, 1);
    }

    @Test
    void theNameNamesStatusFileAndControlSocket() throws Exception {
        RunConfig c = parse("--name", "wan464", "--tun", "464-wan464");
        assertEquals("wan464", c.name());
        assertEquals(Path.of("/var/run/jclat/wan464.json"), c.statusFile());
        assertEquals(Path.of("/var/run/jclat/wan464.sock"), c.controlSocket());
    }

    @Test
    void withoutANameTheTunNamesThem() throws Exception {
        RunConfig c = parse("--tun", "clat9");
        assertEquals("clat9", c.name());
        assertEquals(Path.of("/var/run/jclat/clat9.json"), c.statusFile());
        assertNull(c.hook());
        assertFalse(c.netifdManaged());
    }

    @Test
    void aNameThatIsNoFileNameIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("--name", "../etc/x"));
        assertTrue(e.getMessage().startsWith("--name: name must be"), e.getMessage());
    }

    @Test
    void theHookMustBeAnExecutableFileAndAConfigLineSaysWhere() throws Exception {
        Path notExecutable = Files.writeString(dir.resolve("hook"), "#!/bin/sh\n");
        Path conf = Files.writeString(dir.resolve("jclat.conf"), "uplink wan0\n\nhook " + notExecutable + "\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> new RunConfigParser().parse(new String[] {"run", "--config", conf.toString()}, 1));
        assertEquals(conf + ":3: hook must be an executable file, got '" + notExecutable + "'", e.getMessage());
        assertTrue(notExecutable.toFile().setExecutable(true));
        assertEquals(notExecutable, parse("--hook", notExecutable.toString()).hook());
    }

    @Test
    void netifdManagedIsOnOrOff() throws Exception {
        assertTrue(parse("--netifd-managed", "on").netifdManaged());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("--netifd-managed", "yes"));
        assertEquals("--netifd-managed: netifd-managed must be 'on' or 'off', got 'yes'", e.getMessage());
    }
}
