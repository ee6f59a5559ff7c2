package net.jclat.pcap;

/**
 * One record of a pcap file with the link-layer header removed.
 *
 * @param timestampNanos capture time in nanoseconds since the Unix epoch
 * @param data           the captured bytes of the IP packet (or, when {@code ip} is false,
 *                       whatever followed the link header)
 * @param originalLength length of that packet on the wire; larger than {@code data.length}
 *                       when the capture was cut short by the snap length
 * @param ip             true for IPv4/IPv6; false for other protocols (ARP, LLDP, ...) that
 *                       the caller should count and skip
 */
public record PcapPacket(long timestampNanos, byte[] data, int originalLength, boolean ip) {

    /** True when the capture holds fewer bytes than the packet had on the wire. */
    public boolean truncated() {
        return data.length < originalLength;
    }
}
