package net.jclat.fastpath;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parts of a clang-built eBPF object (ELF64, little-endian) jclat's loader needs: one program, the legacy
 * map definitions of section {@code maps} ({@code struct jclat_map_def} in src/main/bpf/fastpath.h), the
 * instructions that load a map's address (relocation R_BPF_64_64 against a map symbol) and the license.
 * Anything else an object could ask of a loader — global data (.rodata/.data/.bss), calls between functions,
 * BTF-defined maps, CO-RE — is refused with a message: the programs are written not to need it.
 *
 * @param program the program's function name
 * @param insns its instructions, struct bpf_insn, little-endian
 * @param maps map definitions by symbol name, in the order they appear
 * @param mapLoads for each ld_imm64 that loads a map: the instruction index and the map's name
 * @param license the license section's string
 */
record BpfObject(String program, byte[] insns, Map<String, MapDef> maps, List<MapLoad> mapLoads, String license) {

    /** {@code struct jclat_map_def}: five u32. */
    record MapDef(int type, int keySize, int valueSize, int maxEntries, int flags) {
    }

    record MapLoad(int insn, String map) {
    }

    private static final int SHT_SYMTAB = 2;
    private static final int SHT_REL = 9;
    private static final int SHF_EXECINSTR = 4;
    private static final int STT_FUNC = 2;
    private static final int STB_GLOBAL = 1;
    private static final int R_BPF_64_64 = 1;
    private static final int EM_BPF = 247;
    private static final int MAP_DEF_SIZE = 20;

    private record Section(String name, int type, long flags, int offset, int size, int link, int info) {
    }

    private record Symbol(String name, int info, int section, long value) {
    }

    static BpfObject parse(byte[] elf) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(elf).order(ByteOrder.LITTLE_ENDIAN);
        if (elf.length < 64 || b.getInt(0) != 0x464c457f || elf[4] != 2 || elf[5] != 1) {
            throw new IOException("not a 64-bit little-endian ELF object");
        }
        if ((b.getShort(18) & 0xFFFF) != EM_BPF) {
            throw new IOException("ELF machine is not BPF");
        }
        int shoff = (int) b.getLong(0x28);
        int shentsize = b.getShort(0x3A) & 0xFFFF;
        int shnum = b.getShort(0x3C) & 0xFFFF;
        int shstrndx = b.getShort(0x3E) & 0xFFFF;
        int strtab = (int) b.getLong(shoff + shstrndx * shentsize + 24);
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int h = shoff + i * shentsize;
            sections.add(new Section(string(elf, strtab + b.getInt(h)), b.getInt(h + 4), b.getLong(h + 8),
                    (int) b.getLong(h + 24), (int) b.getLong(h + 32), b.getInt(h + 40), b.getInt(h + 44)));
        }
        List<Symbol> symbols = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() == SHT_SYMTAB) {
                int names = sections.get(s.link()).offset();
                for (int at = s.offset(); at + 24 <= s.offset() + s.size(); at += 24) {
                    symbols.add(new Symbol(string(elf, names + b.getInt(at)), elf[at + 4] & 0xFF,
                            b.getShort(at + 6) & 0xFFFF, b.getLong(at + 8)));
                }
            }
        }
        int mapsIndex = indexOf(sections, "maps");
        Map<String, MapDef> maps = new LinkedHashMap<>();
        Map<Long, String> mapAt = new LinkedHashMap<>();
        for (Symbol sym : symbols) {
            if (mapsIndex >= 0 && sym.section() == mapsIndex && !sym.name().isEmpty() && (sym.info() & 0xF) != 3) {
                int at = sections.get(mapsIndex).offset() + (int) sym.value();
                maps.put(sym.name(), new MapDef(b.getInt(at), b.getInt(at + 4), b.getInt(at + 8), b.getInt(at + 12),
                        b.getInt(at + 16)));
                mapAt.put(sym.value(), sym.name());
            }
        }
        if (mapsIndex >= 0 && sections.get(mapsIndex).size() != maps.size() * MAP_DEF_SIZE) {
            throw new IOException("section maps: " + sections.get(mapsIndex).size() + " bytes for " + maps.size()
                    + " map definitions of " + MAP_DEF_SIZE);
        }
        Symbol prog = null;
        for (Symbol sym : symbols) {
            if ((sym.info() & 0xF) == STT_FUNC && sym.info() >> 4 == STB_GLOBAL) {
                if (prog != null) {
                    throw new IOException("more than one program: " + prog.name() + ", " + sym.name());
                }
                prog = sym;
            }
        }
        if (prog == null) {
            throw new IOException("no program (global function) in the object");
        }
        Section text = sections.get(prog.section());
        if ((text.flags() & SHF_EXECINSTR) == 0 || prog.value() != 0) {
            throw new IOException("program " + prog.name() + " does not start its own section");
        }
        byte[] insns = new byte[text.size()];
        System.arraycopy(elf, text.offset(), insns, 0, insns.length);
        List<MapLoad> loads = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() != SHT_REL) {
                continue;
            }
            String target = sections.get(s.info()).name();
            if (s.info() != prog.section()) {
                if (sections.get(s.info()).size() > 0 && (sections.get(s.info()).flags() & SHF_EXECINSTR) != 0) {
                    throw new IOException("relocations in " + target + ": a second code section is not supported");
                }
                continue;
            }
            for (int at = s.offset(); at + 16 <= s.offset() + s.size(); at += 16) {
                long offset = b.getLong(at);
                long info = b.getLong(at + 8);
                Symbol sym = symbols.get((int) (info >>> 32));
                int type = (int) info;
                if (type != R_BPF_64_64 || sym.section() != mapsIndex || !mapAt.containsKey(sym.value())) {
                    String where = sym.section() < sections.size() ? sections.get(sym.section()).name() : "?";
                    throw new IOException("relocation type " + type + " against " + sym.name() + " in " + where
                            + ": only map references are supported (no global data, no calls)");
                }
                loads.add(new MapLoad((int) (offset / 8), mapAt.get(sym.value())));
            }
        }
        int lic = indexOf(sections, "license");
        String license = lic < 0 ? "" : string(elf, sections.get(lic).offset());
        return new BpfObject(prog.name(), insns, maps, loads, license);
    }

    /** The instructions with each map load pointing at its map's file descriptor (BPF_PSEUDO_MAP_FD). */
    byte[] relocated(Map<String, Integer> mapFds) {
        byte[] out = insns.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        for (MapLoad l : mapLoads) {
            int at = l.insn() * 8;
            out[at + 1] = (byte) (out[at + 1] & 0x0F | 1 << 4); // src_reg = BPF_PSEUDO_MAP_FD
            b.putInt(at + 4, mapFds.get(l.map()));
        }
        return out;
    }

    private static int indexOf(List<Section> sections, String name) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String string(byte[] b, int at) {
        int end = at;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, at, end - at, StandardCharsets.US_ASCII);
    }
}
