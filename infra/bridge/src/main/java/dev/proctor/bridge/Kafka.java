// Owns the bridge's single shared producer and admin client.
package dev.proctor.bridge;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

final class Kafka {
    private final Producer<byte[], byte[]> producer;
    private final Admin admin;
    private volatile long readyUntilMs;

    Kafka(BridgeConfig config) {
        this.producer = new KafkaProducer<>(config.producer(), new ByteArraySerializer(), new ByteArraySerializer());
        this.admin = Admin.create(config.admin());
    }

    Producer<byte[], byte[]> producer() {
        return producer;
    }

    /** Ready means the cluster answered a metadata call recently; cached for a second so probes stay cheap. */
    boolean ready() {
        long now = System.currentTimeMillis();
        if (now < readyUntilMs) {
            return true;
        }
        try {
            admin.describeCluster().clusterId().get(3, TimeUnit.SECONDS);
            readyUntilMs = now + 1000;
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    Set<String> topics() throws Exception {
        return admin.listTopics().names().get(3, TimeUnit.SECONDS);
    }

    List<Integer> partitions(String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(3, TimeUnit.SECONDS).get(topic).partitions()
                .stream().map(p -> p.partition()).toList();
    }

    void close() {
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(2));
    }
}
