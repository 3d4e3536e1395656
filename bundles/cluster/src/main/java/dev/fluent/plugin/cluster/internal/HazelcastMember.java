package dev.fluent.plugin.cluster.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.fluent.plugin.cluster.ClusterStatus;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's embedded Hazelcast member and the cluster's shared state, all in maps of strings and bytes (JSON
 * values, so a node of another build reads them; no class of this bundle travels):
 * <ul>
 * <li>{@code fluent.catalogue}: plugin id → {@link ClusterStatus.Entry};</li>
 * <li>{@code fluent.artifacts}: SHA-256 of a plugin archive → that archive (content-addressed);</li>
 * <li>{@code fluent.revocations}: revoked key id → who revoked it, when;</li>
 * <li>{@code fluent.nodes}: member UUID → {@link ClusterStatus.Node}, each node writing its own;</li>
 * <li>{@code fluent.rates}: plugin id → its cluster-wide rate bucket ({@code limits.SharedBucket});</li>
 * <li>{@code fluent.answers} and the topic {@code fluent.asks}: questions to every node and their answers
 * ({@code reports.NodeReports}).</li>
 * </ul>
 */
final class HazelcastMember implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final HazelcastInstance instance;
    private final IMap<String, String> catalogue;
    private final IMap<String, byte[]> artifacts;
    private final IMap<String, String> revocations;
    private final IMap<String, String> nodes;
    private final IMap<String, String> rates;
    private final IMap<String, String> answers;
    private final com.hazelcast.topic.ITopic<String> asks;

    private HazelcastMember(HazelcastInstance instance) {
        this.instance = instance;
        this.catalogue = instance.getMap("fluent.catalogue");
        this.artifacts = instance.getMap("fluent.artifacts");
        this.revocations = instance.getMap("fluent.revocations");
        this.nodes = instance.getMap("fluent.nodes");
        this.rates = instance.getMap("fluent.rates");
        this.answers = instance.getMap("fluent.answers");
        this.asks = instance.getTopic("fluent.asks");
    }

    /** Starts the member and joins the configured members (blocks until joined, or alone after the join timeout). */
    static HazelcastMember start(ClusterConfig settings) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Hazelcast resolves its services through the context class loader: its own bundle's, in OSGi.
        thread.setContextClassLoader(Hazelcast.class.getClassLoader());
        try {
            return new HazelcastMember(Hazelcast.newHazelcastInstance(config(settings)));
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    static Config config(ClusterConfig settings) {
        Config config = new Config();
        // Hazelcast's own class loader (the default), never this bundle's: joining and migrations deserialize
        // Hazelcast's internal classes, which this bundle does not import. Only strings and bytes are stored.
        config.setClusterName(settings.cluster_name());
        config.setInstanceName("fluent-plugin-" + settings.port());
        // No call home, no JVM hook of its own (the bundle stops it), a quick join, and a killed member noticed
        // within seconds rather than a minute.
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.logging.type", "jdk");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.wait.seconds.before.join", "1");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "15");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(settings.port()).setPortAutoIncrement(false);
        network.getInterfaces().setEnabled(true).setInterfaces(List.of(settings.bind_address()));
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(members(settings));
        config.getJetConfig().setEnabled(false);
        return config;
    }

    static List<String> members(ClusterConfig settings) {
        List<String> members = new ArrayList<>();
        Arrays.stream(settings.members().split(",")).map(String::trim).filter(m -> !m.isEmpty()).forEach(members::add);
        return members;
    }

    /** Calls {@code changed} on every change of the catalogue or the revocations, on Hazelcast's event thread. */
    void onChange(Runnable catalogueChanged, java.util.function.Consumer<String> revoked, Runnable membership) {
        class CatalogueListener implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String> {
            @Override
            public void entryAdded(com.hazelcast.core.EntryEvent<String, String> event) {
                catalogueChanged.run();
            }

            @Override
            public void entryUpdated(com.hazelcast.core.EntryEvent<String, String> event) {
                catalogueChanged.run();
            }
        }
        catalogue.addEntryListener(new CatalogueListener(), false);
        revocations.addEntryListener((EntryAddedListener<String, String>) e -> revoked.accept(e.getKey()), false);
        instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                membership.run();
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                nodes.remove(event.getMember().getUuid().toString());
                membership.run();
            }
        });
    }

    String localAddress() {
        return address(instance.getCluster().getLocalMember());
    }

    List<String> memberAddresses() {
        return instance.getCluster().getMembers().stream().map(HazelcastMember::address).sorted().toList();
    }

    /** Members present now, from this member's own view (no network call). */
    int memberCount() {
        return instance.getCluster().getMembers().size();
    }

    /** The members the configuration lists, this one included, each counted once. */
    static int configuredCount(ClusterConfig settings, String localAddress) {
        java.util.Set<String> all = new java.util.HashSet<>(members(settings));
        all.add(localAddress);
        return all.size();
    }

    IMap<String, String> rates() {
        return rates;
    }

    /** The topic and map every node's reports travel through. */
    dev.fluent.plugin.cluster.internal.reports.NodeReports.Channel reportChannel() {
        return new dev.fluent.plugin.cluster.internal.reports.NodeReports.Channel() {
            @Override
            public Map<String, String> members() {
                Map<String, String> all = new TreeMap<>();
                instance.getCluster().getMembers().forEach(m -> all.put(m.getUuid().toString(), address(m)));
                return all;
            }

            @Override
            public String localId() {
                return HazelcastMember.this.localId();
            }

            @Override
            public void ask(String question) {
                asks.publish(question);
            }

            @Override
            public void onQuestion(java.util.function.Consumer<String> listener) {
                asks.addMessageListener(message -> listener.accept(message.getMessageObject()));
            }

            @Override
            public void answer(String key, String answer) {
                // Kept a minute: long enough for the asker, gone before answers pile up.
                answers.set(key, answer, 60, java.util.concurrent.TimeUnit.SECONDS);
            }

            @Override
            public Map<String, String> answers(java.util.Set<String> keys) {
                return answers.getAll(keys);
            }
        };
    }

    private static String address(Member member) {
        return member.getAddress().getHost() + ":" + member.getAddress().getPort();
    }

    Map<String, ClusterStatus.Entry> catalogue() {
        Map<String, ClusterStatus.Entry> entries = new TreeMap<>();
        catalogue.forEach((id, json) -> read(json, ClusterStatus.Entry.class).ifPresent(e -> entries.put(id, e)));
        return entries;
    }

    Optional<ClusterStatus.Entry> entry(String id) {
        String json = catalogue.get(id);
        return json == null ? Optional.empty() : read(json, ClusterStatus.Entry.class);
    }

    /** Writes the archive first, then the entry: a node that hears of the entry finds its bytes. */
    void publish(ClusterStatus.Entry entry, byte[] archive) {
        if (archive != null) {
            artifacts.putIfAbsent(entry.archive(), archive);
        }
        catalogue.put(entry.id(), write(entry));
    }

    byte[] artifact(String archive) {
        return artifacts.get(archive);
    }

    void revoke(String keyId, String origin) {
        revocations.putIfAbsent(keyId, write(Map.of("origin", origin, "at", System.currentTimeMillis())));
    }

    java.util.Set<String> revokedKeyIds() {
        return new java.util.TreeSet<>(revocations.keySet());
    }

    void report(ClusterStatus.Node node) {
        nodes.set(localId(), write(node));
    }

    private String localId() {
        return instance.getCluster().getLocalMember().getUuid().toString();
    }

    /** The reports of the current members (a member that left may have had no time to remove its own). */
    List<ClusterStatus.Node> nodes() {
        java.util.Set<String> current = new java.util.HashSet<>();
        instance.getCluster().getMembers().forEach(m -> current.add(m.getUuid().toString()));
        List<ClusterStatus.Node> all = new ArrayList<>();
        nodes.forEach((id, json) -> {
            if (current.contains(id)) {
                read(json, ClusterStatus.Node.class).ifPresent(all::add);
            }
        });
        all.sort(java.util.Comparator.comparing(ClusterStatus.Node::member));
        return all;
    }

    private static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value + " as JSON", e);
        }
    }

    /** A value another member wrote; one that does not read (a hostile or broken member) is skipped. */
    private static <T> Optional<T> read(String json, Class<T> type) {
        try {
            return Optional.of(JSON.readValue(json, type));
        } catch (JsonProcessingException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        try {
            nodes.remove(localId());
        } finally {
            instance.shutdown();
        }
    }
}
