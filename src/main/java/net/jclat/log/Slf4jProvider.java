package net.jclat.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J 2's entry point for jclat's logger, found through META-INF/services: dnsjava logs through SLF4J,
 * and without a provider SLF4J would print "No SLF4J providers were found" and drop its lines. No MDC:
 * nothing in jclat's format prints one.
 */
public final class Slf4jProvider implements SLF4JServiceProvider, ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return this;
    }

    @Override
    public Logger getLogger(String name) {
        return loggers.computeIfAbsent(name, Slf4jLogger::new);
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99"; // the API generation this provider is written against, as SLF4J's own providers say
    }

    @Override
    public void initialize() {
        // nothing to set up: Log starts with its first line
    }
}
