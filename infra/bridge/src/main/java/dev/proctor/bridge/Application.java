// Entry point of the local Kafka REST v2 bridge: `java -cp 'libs/*' dev.proctor.bridge.Application --config-file F`.
package dev.proctor.bridge;

import com.sun.net.httpserver.HttpServer;
import java.io.FileReader;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

public final class Application {
    private Application() {
    }

    public static void main(String[] args) throws IOException {
        BridgeConfig config = BridgeConfig.from(loadProperties(args));
        Kafka kafka = new Kafka(config);
        HttpServer server = HttpServer.create(new InetSocketAddress(config.httpHost(), config.httpPort()), 1024);
        // Produce requests block their thread until Kafka acknowledges (acks=all), so the pool bounds in-flight requests.
        ExecutorService pool = Executors.newFixedThreadPool(config.httpThreads());
        server.setExecutor(pool);
        server.createContext("/", new Router(config, kafka));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop(0);
            kafka.close();
            pool.shutdownNow();
        }, "bridge-shutdown"));
        server.start();
        System.err.printf("bridge_started id=%s http=%s:%d kafka=%s producer=%s%n", config.bridgeId(), config.httpHost(),
                config.httpPort(), config.bootstrapServers(), config.producerEnabled());
    }

    private static Properties loadProperties(String[] args) throws IOException {
        String file = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config-file") && i + 1 < args.length) {
                file = args[i + 1];
            } else if (args[i].startsWith("--config-file=")) {
                file = args[i].substring("--config-file=".length());
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("usage: --config-file application.properties");
        }
        Properties props = new Properties();
        try (Reader reader = new FileReader(file)) {
            props.load(reader);
        }
        return props;
    }
}
