package net.jclat.xlat;

/** What became of one input packet. */
public enum Verdict {
    /** One or more translated packets (more than one when fragmented) were emitted. */
    TRANSLATED,
    /** The packet was dropped and an ICMP error toward its sender was emitted instead. */
    ICMP_ERROR,
    /** The packet was dropped; {@link Translator#lastDrop()} says why. */
    DROPPED
}
