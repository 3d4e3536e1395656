package dev.fluent.plugin.runtime.internal.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.spi.RateLimitAuthority;
import dev.fluent.plugin.runtime.internal.testing.Fixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A registered rate-limit authority decides instead of the plugin's own bucket, and only while it is there. */
class RateLimitBindingTest {

    @TempDir
    Path temp;

    private PluginRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        runtime = Fixtures.developmentRuntime(null);
        runtime.executionServices().rateLimits(true);
        Path folder = Fixtures.copy(Fixtures.echo(), temp.resolve("echo"));
        Fixtures.editManifest(folder, m -> ((com.fasterxml.jackson.databind.node.ObjectNode) m.get("permissions"))
                .put("rate_limit_requests_per_minute", 2));
        runtime.load(folder);
    }

    @AfterEach
    void stop() {
        runtime.deactivate();
    }

    private void run() throws PluginException {
        runtime.execute("echo", EngineRequest.of("x"));
    }

    @Test
    void theAuthorityDecidesWhileRegisteredAndTheLocalBucketAgainOnceItGoes() throws Exception {
        List<String> asked = Collections.synchronizedList(new ArrayList<>());
        RateLimitAuthority cluster = (pluginId, perMinute) -> {
            asked.add(pluginId + "@" + perMinute);
            return asked.size() <= 3 ? 0 : 1234;
        };
        RateLimitBinding binding = new RateLimitBinding(runtime);
        binding.setAuthority(cluster);
        run();
        run();
        run(); // a third within the minute: the local bucket (2 per minute) would refuse it, the authority allows it
        PluginException refused = assertThrows(PluginException.class, this::run);
        assertEquals(ErrorCode.RATE_LIMITED, refused.code());
        assertTrue(refused.getMessage().contains("retry in 1234 ms"), refused.getMessage());
        assertEquals(List.of("echo@2", "echo@2", "echo@2", "echo@2"), asked);

        binding.unsetAuthority(cluster);
        run();
        run();
        assertEquals(ErrorCode.RATE_LIMITED, assertThrows(PluginException.class, this::run).code(),
                "the plugin's own bucket of 2 per minute decides again");
        assertEquals(4, asked.size(), "an authority that went is not asked");
    }

    @Test
    void aReplacedAuthorityIsNotDroppedWhenTheOldOneGoes() throws Exception {
        RateLimitAuthority first = (id, rate) -> 0;
        RateLimitAuthority second = (id, rate) -> 77;
        RateLimitBinding binding = new RateLimitBinding(runtime);
        binding.setAuthority(first);
        binding.setAuthority(second);
        binding.unsetAuthority(first);
        PluginException refused = assertThrows(PluginException.class, this::run);
        assertTrue(refused.getMessage().contains("retry in 77 ms"), refused.getMessage());
    }
}
