package net.jclat.daemon;

import java.io.IOException;
import java.util.function.Supplier;
import net.jclat.config.RunConfig;
import net.jclat.control.ControlServer;
import net.jclat.control.MetricsServer;
import net.jclat.control.PrometheusText;
import net.jclat.log.Log;

/**
 * Where the daemon answers from outside: the control socket ({@code jclat status}, {@code jclat reload})
 * and, if configured, the Prometheus metrics endpoint. Both read a fresh {@link StatusSnapshot} per request.
 */
final class StatusServers {
    private final ControlServer control;
    private final MetricsServer metrics;

    private StatusServers(ControlServer control, MetricsServer metrics) {
        this.control = control;
        this.metrics = metrics;
    }

    static StatusServers start(RunConfig cfg, Supplier<StatusSnapshot> snapshot, Supplier<ControlServer.Reply> reload)
            throws IOException {
        ControlServer control = ControlServer.start(cfg.controlSocket(), request -> answer(request, snapshot, reload));
        MetricsServer metrics = null;
        if (cfg.metricsListen() != null) {
            try {
                metrics = MetricsServer.start(cfg.metricsListen(), () -> {
                    StatusSnapshot s = snapshot.get();
                    return PrometheusText.render(s.fields(), s.counters());
                });
            } catch (IOException | RuntimeException e) {
                control.close();
                throw e;
            }
            Log.info("Prometheus metrics at http://{}/metrics", MetricsServer.format(metrics.address()));
        }
        Log.info("control socket {} served by {}", cfg.controlSocket(),
                control.transport() == ControlServer.Transport.NETTY ? "Netty's epoll transport"
                        : "the JDK's AF_UNIX channels");
        return new StatusServers(control, metrics);
    }

    /** Answers one control-socket request. */
    private static ControlServer.Reply answer(String request, Supplier<StatusSnapshot> snapshot,
            Supplier<ControlServer.Reply> reload) {
        switch (request) {
            case "status": {
                StatusSnapshot s = snapshot.get();
                return new ControlServer.Reply(0, StatusText.render(s.fields(), s.counters()));
            }
            case "status json": {
                StatusSnapshot s = snapshot.get();
                return new ControlServer.Reply(0, StatusFile.json(s.fields(), s.counters()));
            }
            case "reload":
                return reload.get();
            default:
                return new ControlServer.Reply(2, "unknown request '" + request + "' (status, status json, reload)");
        }
    }

    /** The control socket first (its file goes), then the metrics endpoint. */
    void close() {
        control.close();
        if (metrics != null) {
            metrics.close();
        }
    }
}
