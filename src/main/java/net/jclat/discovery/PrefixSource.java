package net.jclat.discovery;

/** Where a NAT64 prefix came from. */
public enum PrefixSource { STATIC, RA, DNS; public String label() { return name().toLowerCase(java.util.Locale.ROOT); } }
