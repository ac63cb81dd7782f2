// Routes the Strimzi-compatible subset: GET / /healthy /ready /topics, POST /topics/{t}[/partitions/{p}].
package dev.proctor.bridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

final class Router implements HttpHandler {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String KAFKA_V2_JSON = "application/vnd.kafka.v2+json";

    private final BridgeConfig config;
    private final Kafka kafka;
    private final ProduceHandler produce;

    Router(BridgeConfig config, Kafka kafka) {
        this.config = config;
        this.kafka = kafka;
        this.produce = new ProduceHandler(kafka);
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String[] parts = ex.getRequestURI().getRawPath().replaceAll("/+$", "").split("/");
            String method = ex.getRequestMethod();
            if (parts.length <= 1 && method.equals("GET")) {
                ObjectNode info = JSON.createObjectNode().put("bridge_version", "proctor-rest-bridge")
                        .put("bridge_id", config.bridgeId());
                send(ex, 200, info);
            } else if (parts.length == 2 && parts[1].equals("healthy")) {
                send(ex, 204, null);
            } else if (parts.length == 2 && parts[1].equals("ready")) {
                if (kafka.ready()) {
                    send(ex, 204, null);
                } else {
                    sendError(ex, 503, "Kafka cluster is not reachable");
                }
            } else if (parts.length == 2 && parts[1].equals("topics") && method.equals("GET")) {
                send(ex, 200, JSON.valueToTree(kafka.topics()));
            } else if (parts.length >= 3 && parts[1].equals("topics") && method.equals("POST")) {
                if (!config.producerEnabled()) {
                    sendError(ex, 404, "HTTP producer is disabled (http.producer.enabled=false)");
                    return;
                }
                String topic = URLDecoder.decode(parts[2], StandardCharsets.UTF_8);
                Integer partition = null;
                if (parts.length == 5 && parts[3].equals("partitions")) {
                    partition = Integer.valueOf(parts[4]);
                } else if (parts.length != 3) {
                    sendError(ex, 404, "Not found");
                    return;
                }
                produce.handle(ex, topic, partition);
            } else {
                sendError(ex, 404, "Not found: " + method + " " + ex.getRequestURI().getPath());
            }
        } catch (NumberFormatException e) {
            sendError(ex, 422, "Invalid partition: " + e.getMessage());
        } catch (Exception e) {
            sendError(ex, 500, String.valueOf(e.getMessage()));
        }
    }

    static void sendError(HttpExchange ex, int status, String message) throws IOException {
        send(ex, status, JSON.createObjectNode().put("error_code", status).put("message", message));
    }

    static void send(HttpExchange ex, int status, Object body) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", KAFKA_V2_JSON);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
