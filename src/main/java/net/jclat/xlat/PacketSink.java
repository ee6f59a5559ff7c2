package net.jclat.xlat;

import java.nio.ByteBuffer;

/**
 * Receives each packet the translator emits. The bytes are valid only during the call: the translator
 * reuses its buffers for the next packet.
 */
@FunctionalInterface
public interface PacketSink {
    void accept(ByteBuffer buf, int off, int len);
}
