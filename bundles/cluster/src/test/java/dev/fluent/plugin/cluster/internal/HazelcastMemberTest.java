package dev.fluent.plugin.cluster.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import java.lang.annotation.Annotation;
import java.util.List;
import org.junit.jupiter.api.Test;

class HazelcastMemberTest {

    static ClusterConfig settings(String members, String bind) {
        return new ClusterConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ClusterConfig.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String cluster_name() {
                return "blue";
            }

            @Override
            public int port() {
                return 5801;
            }

            @Override
            public String members() {
                return members;
            }

            @Override
            public String bind_address() {
                return bind;
            }

            @Override
            public int converge_interval_seconds() {
                return 5;
            }
        };
    }

    @Test
    void joinsOnlyTheListedMembersOverTcpOnTheBoundAddress() {
        Config config = HazelcastMember.config(settings(" 127.0.0.1:5801, 127.0.0.1:5802,,", "127.0.0.1"));
        assertEquals("blue", config.getClusterName());
        assertEquals(5801, config.getNetworkConfig().getPort());
        assertFalse(config.getNetworkConfig().isPortAutoIncrement(), "a taken port is an error, not another port");
        assertFalse(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled());
        assertFalse(config.getNetworkConfig().getJoin().getAutoDetectionConfig().isEnabled());
        assertTrue(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled());
        assertEquals(List.of("127.0.0.1:5801", "127.0.0.1:5802"),
                config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers());
        assertTrue(config.getNetworkConfig().getInterfaces().isEnabled());
        assertEquals(List.of("127.0.0.1"), List.copyOf(config.getNetworkConfig().getInterfaces().getInterfaces()));
        assertEquals("false", config.getProperty("hazelcast.socket.bind.any"));
        assertEquals("false", config.getProperty("hazelcast.phone.home.enabled"));
    }

    @Test
    void archivesOfTheSamePluginAreTheSameBytes() throws Exception {
        byte[] manifest = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] wasm = {0, 'a', 's', 'm', 1, 0, 0, 0};
        byte[] first = PluginArchives.zip(manifest, wasm);
        Thread.sleep(5);
        assertEquals(PluginArchives.sha256(first), PluginArchives.sha256(PluginArchives.zip(manifest, wasm)));
    }

    @Test
    void ordersVersionsBySemanticVersionPrecedence() {
        assertTrue(Versions.compare("1.0.0", "1.0.1") < 0);
        assertTrue(Versions.compare("1.10.0", "1.9.9") > 0);
        assertTrue(Versions.compare("1.0.0-rc.1", "1.0.0") < 0);
        assertTrue(Versions.compare("1.0.0-alpha", "1.0.0-alpha.1") < 0);
        assertTrue(Versions.compare("1.0.0-alpha.2", "1.0.0-alpha.10") < 0);
        assertEquals(0, Versions.compare("1.0.0+build.1", "1.0.0+build.2"));
    }
}
