// Turns a Kafka REST v2 body ({"records":[{key,value,partition,headers}]}) into producer records per embedded format.
package dev.proctor.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

final class RecordDecoder {
    enum Format { JSON, BINARY, TEXT }

    private RecordDecoder() {
    }

    /** Returns null when the content type is not one the bridge speaks. */
    static Format formatOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        String type = contentType.split(";")[0].trim().toLowerCase();
        return switch (type) {
            case "application/vnd.kafka.json.v2+json" -> Format.JSON;
            case "application/vnd.kafka.binary.v2+json" -> Format.BINARY;
            case "application/vnd.kafka.text.v2+json" -> Format.TEXT;
            default -> null;
        };
    }

    static List<ProducerRecord<byte[], byte[]>> decode(Format format, String topic, Integer pathPartition, byte[] body)
            throws java.io.IOException {
        JsonNode root = Router.JSON.readTree(body);
        JsonNode records = root == null ? null : root.get("records");
        if (records == null || !records.isArray() || records.isEmpty()) {
            throw new IllegalArgumentException("body must be {\"records\":[...]} with at least one record");
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(records.size());
        for (JsonNode record : records) {
            if (!record.isObject() || !record.has("value")) {
                throw new IllegalArgumentException("every record needs a value");
            }
            Integer partition = pathPartition;
            if (partition == null && record.hasNonNull("partition")) {
                partition = record.get("partition").asInt();
            }
            Long timestamp = record.hasNonNull("timestamp") ? record.get("timestamp").asLong() : null;
            RecordHeaders headers = new RecordHeaders();
            JsonNode hs = record.get("headers");
            if (hs != null && hs.isArray()) {
                for (JsonNode h : hs) {
                    // Strimzi carries header values base64-encoded in every embedded format.
                    headers.add(h.get("key").asText(), Base64.getDecoder().decode(h.get("value").asText()));
                }
            }
            out.add(new ProducerRecord<>(topic, partition, timestamp, bytes(format, record.get("key")),
                    bytes(format, record.get("value")), headers));
        }
        return out;
    }

    private static byte[] bytes(Format format, JsonNode node) throws java.io.IOException {
        if (node == null || node.isNull()) {
            return null;
        }
        return switch (format) {
            case JSON -> Router.JSON.writeValueAsBytes(node);
            case BINARY -> Base64.getDecoder().decode(node.asText());
            case TEXT -> node.asText().getBytes(StandardCharsets.UTF_8);
        };
    }
}
