package net.jclat.xlat;

/** What became of one input packet. */
public enum Verdict {
    /** One or more translated packets (more than one when fragmented) were emitted. */
    TRANSLATED,
    /** The packet was dropped and an ICMP error toward its sender was emitted instead. */
    ICMP_ERROR,
    /** The packet was dropped; {@link Translator#lastDrop()} says why. */
    DROPPED,
    /**
     * An ICMP fragment kept for reassembly: nothing emitted yet. The fragment that completes its datagram gets
     * the datagram's verdict; should the datagram never complete, its fragments are counted as dropped later.
     */
    HELD
}
