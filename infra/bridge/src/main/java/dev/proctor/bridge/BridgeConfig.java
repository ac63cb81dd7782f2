// Parses the Strimzi-style application.properties (bridge.*, http.*, kafka.*, kafka.producer.*, kafka.admin.*).
package dev.proctor.bridge;

import java.util.Properties;

public record BridgeConfig(String bridgeId, String httpHost, int httpPort, int httpThreads, boolean producerEnabled,
        String bootstrapServers, Properties producer, Properties admin) {

    static BridgeConfig from(Properties props) {
        String bootstrap = required(props, "kafka.bootstrap.servers");
        Properties producer = withPrefix(props, "kafka.producer.");
        Properties admin = withPrefix(props, "kafka.admin.");
        producer.putIfAbsent("bootstrap.servers", bootstrap);
        admin.putIfAbsent("bootstrap.servers", bootstrap);
        // "2xx means durable": wait for every in-sync replica unless the operator explicitly says otherwise.
        producer.putIfAbsent("acks", "all");
        producer.putIfAbsent("enable.idempotence", "true");
        producer.putIfAbsent("linger.ms", "5");
        // Fail a request within seconds when Kafka is away, instead of holding the HTTP caller for minutes.
        producer.putIfAbsent("max.block.ms", "5000");
        producer.putIfAbsent("request.timeout.ms", "5000");
        producer.putIfAbsent("delivery.timeout.ms", "15000");
        admin.putIfAbsent("request.timeout.ms", "3000");
        admin.putIfAbsent("default.api.timeout.ms", "3000");
        return new BridgeConfig(props.getProperty("bridge.id", "proctor-bridge"),
                props.getProperty("http.host", "0.0.0.0"),
                Integer.parseInt(props.getProperty("http.port", "8080")),
                Integer.parseInt(props.getProperty("http.threads", "128")),
                Boolean.parseBoolean(props.getProperty("http.producer.enabled", "true")),
                bootstrap, producer, admin);
    }

    private static String required(Properties props, String key) {
        String value = props.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing required config " + key);
        }
        return value;
    }

    private static Properties withPrefix(Properties props, String prefix) {
        Properties out = new Properties();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                out.setProperty(key.substring(prefix.length()), props.getProperty(key));
            }
        }
        return out;
    }
}
