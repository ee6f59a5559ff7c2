package net.jclat.pcap;

import java.io.IOException;

/** A pcap file that is malformed, truncated or uses something this reader does not support. */
public class PcapFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    public PcapFormatException(String message) {
        super(message);
    }
}
