// POST /topics/{topic}: sends every record, waits for Kafka's acknowledgement, answers {"offsets":[...]} like Strimzi.
package dev.proctor.bridge;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

final class ProduceHandler {
    private final Kafka kafka;

    ProduceHandler(Kafka kafka) {
        this.kafka = kafka;
    }

    void handle(HttpExchange ex, String topic, Integer partition) throws IOException {
        RecordDecoder.Format format = RecordDecoder.formatOf(ex.getRequestHeaders().getFirst("Content-Type"));
        if (format == null) {
            Router.sendError(ex, 415, "Content-Type must be application/vnd.kafka.{json,binary,text}.v2+json");
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records;
        try {
            records = RecordDecoder.decode(format, topic, partition, ex.getRequestBody().readAllBytes());
        } catch (Exception e) {
            Router.sendError(ex, 422, "Unprocessable request: " + e.getMessage());
            return;
        }
        List<Future<RecordMetadata>> sends = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            try {
                sends.add(kafka.producer().send(record));
            } catch (RuntimeException e) {
                // send() itself throws when metadata is unavailable for max.block.ms; report it per record.
                sends.add(java.util.concurrent.CompletableFuture.failedFuture(e));
            }
        }
        // ?async=true answers before Kafka acknowledges, as Strimzi does; only for fire-and-forget callers.
        String query = ex.getRequestURI().getQuery();
        if (query != null && query.contains("async=true")) {
            Router.send(ex, 204, null);
            return;
        }
        // Strimzi semantics: HTTP 200 with one entry per record; a failed record carries error_code instead of offset.
        ArrayNode offsets = Router.JSON.createArrayNode();
        for (Future<RecordMetadata> send : sends) {
            ObjectNode entry = offsets.addObject();
            try {
                RecordMetadata md = send.get();
                entry.put("partition", md.partition()).put("offset", md.offset());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                entry.put("error_code", 500).put("message", "interrupted");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                entry.put("error_code", codeFor(cause)).put("message", String.valueOf(cause.getMessage()));
            }
        }
        Router.send(ex, 200, Router.JSON.createObjectNode().set("offsets", offsets));
    }

    /**
     * 404 only for a partition that does not exist. With topic auto-creation on, a metadata or delivery timeout
     * means Kafka is unreachable: 503, which callers treat as retriable (Strimzi would say 500 or 404 here).
     */
    private static int codeFor(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (cause instanceof InvalidPartitionsException || message.contains("with partition count")) {
            return 404;
        }
        if (cause instanceof UnknownTopicOrPartitionException) {
            return 404;
        }
        if (cause instanceof TimeoutException) {
            return 503;
        }
        return 500;
    }
}
