package dev.apns.gateway;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code apns gateway} (and {@code java -jar apns-gateway.jar}): runs the push gateway until it is stopped
 * (SIGTERM or Ctrl-C stop it gracefully).
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = {"Run the push gateway: a REST daemon with a durable queue.", "",
                "A REST interface (pyapns-compatible, on port 8088) that takes"
                + " notifications from any language, stores them durably and delivers them to APNs over HTTP/2 (or the"
                + " binary protocol for private gateways). The queue is in SQLite under --data-dir, or in PostgreSQL"
                + " (--database-url), which several instances can share.", ""},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:Stopped gracefully (SIGTERM or Ctrl-C).",
                "2:Could not run: the database could not be opened, the port could not be bound.",
                "3:Bad input: an option, the configuration file or an app in it; the error names the key."})
public final class GatewayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "A JSON configuration file (API keys, apps to"
            + " provision, database, TLS); options given here win.")
    Path config;

    @Option(names = "--host", paramLabel = "ADDRESS", description = "The address to listen on (default 127.0.0.1;"
            + " other addresses need API keys).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "The port to listen on (default 8088).")
    Integer port;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the embedded database lives"
            + " (default ./apns-gateway-data).")
    Path dataDirectory;

    @Option(names = "--database-url", paramLabel = "URL", description = "Keep the queue in PostgreSQL instead:"
            + " jdbc:postgresql://host:5432/database. The password comes from APNS_GATEWAY_DATABASE_PASSWORD.")
    String databaseUrl;

    @Option(names = "--database-user", paramLabel = "USER", description = "The PostgreSQL user.")
    String databaseUser;

    @Option(names = "--backend", paramLabel = "NAME", description = "The SDK backend to send with (blocking, netty;"
            + " default: the best available).")
    String backend;

    @Option(names = "--instance-id", paramLabel = "ID", description = "This instance's name in a shared queue"
            + " (default: random).")
    String instanceId;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per"
            + " line, for log collectors (the gateway's own jar; 'apns gateway' logs as the apns command does).")
    String logFormat;

    @Override
    public Integer call() throws Exception {
        if (logFormat != null && !logFormat.equals("text") && !logFormat.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--log-format must be text or json, was " + logFormat);
        }
        Gateway gateway;
        try {
            gateway = Gateway.start(configuration());
        } catch (InvalidFieldException | IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            gateway.close();
            stopped.countDown();
        }, "apns-gateway-shutdown"));
        out.println("apns-gateway listening on port " + gateway.port() + " (instance " + gateway.instanceId()
                + "); stop with Ctrl-C");
        out.flush();
        stopped.await();
        return 0;
    }

    /** The configuration from the file and the options; the options win. */
    GatewayConfig configuration() {
        GatewayConfig.Builder builder = GatewayConfig.builder();
        if (config != null) {
            ConfigFile.read(config, builder);
        }
        if (host != null) {
            builder.host(host);
        }
        if (port != null) {
            builder.port(port);
        }
        if (dataDirectory != null) {
            builder.dataDirectory(dataDirectory);
        }
        if (databaseUrl != null) {
            builder.database(databaseUrl, databaseUser, System.getenv("APNS_GATEWAY_DATABASE_PASSWORD"));
        }
        if (backend != null) {
            builder.backend(backend);
        }
        if (instanceId != null) {
            builder.instanceId(instanceId);
        }
        return builder.build();
    }
}
