package dev.fluent.plugin.itests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationListener;

/**
 * Changes a configuration as an operator does: by editing its file, {@code etc/<pid>.cfg}, which Karaf's file
 * watcher brings into Config Admin.
 *
 * <p>Not {@code Configuration.update}: the watcher writes each Config Admin update back to the file by
 * truncating it and writing it again, and a scan that meets the file truncated (a loaded machine makes that
 * likely) empties the configuration, so the change is lost and the file with it. A file replaced in one step
 * is read whole, by the very scan that updates Config Admin, and its write-back follows that scan.
 */
final class ConfigurationFiles {

    private static final long TIMEOUT_MILLIS = 30_000;
    private static final String BARRIER_PID = "dev.fluent.plugin.itests.barrier";
    private static final AtomicLong BARRIERS = new AtomicLong();

    private ConfigurationFiles() {
    }

    /**
     * Sets {@code values} in {@code etc/<pid>.cfg} (created if missing), keeping its other lines, and waits
     * until Config Admin holds them and the watcher has written them back. The components of the PID receive
     * them from Config Admin a moment later.
     *
     * <p>The write-back is waited for both before and after: one still to come writes an older configuration
     * over the file, and the change in it is lost without a trace.
     */
    static void set(ConfigurationAdmin configurationAdmin, String pid, Map<String, String> values)
            throws IOException, InterruptedException {
        settle(configurationAdmin);
        if (holds(configurationAdmin, pid, values)) {
            return;
        }
        Path file = Path.of(System.getProperty("karaf.etc"), pid + ".cfg");
        List<String> before = Files.exists(file) ? Files.readAllLines(file, StandardCharsets.ISO_8859_1) : List.of();
        List<String> lines = new ArrayList<>();
        boolean continued = false;
        boolean dropping = false;
        for (String line : before) {
            String stripped = line.strip();
            boolean comment = !continued && (stripped.startsWith("#") || stripped.startsWith("!"));
            if (!continued) {
                dropping = !comment && values.containsKey(stripped.split("[=:\\s]", 2)[0]);
            }
            // A line ending in an odd number of backslashes continues on the next one (a comment never does).
            continued = !comment && (line.length() - line.replaceAll("\\\\+$", "").length()) % 2 == 1;
            if (!dropping) {
                lines.add(line);
            }
        }
        values.forEach((key, value) -> lines.add(key + " = " + value.replace("\\", "\\\\")));
        Path temp = Files.createTempFile(file.getParent(), "." + pid, ".tmp");
        Files.write(temp, lines, StandardCharsets.ISO_8859_1);
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (!holds(configurationAdmin, pid, values)) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("Config Admin did not take " + values + " from " + file + " within "
                        + TIMEOUT_MILLIS + " ms; it holds " + current(configurationAdmin, pid));
            }
            Thread.sleep(50);
        }
        settle(configurationAdmin);
    }

    /**
     * Returns once Config Admin has told every listener of every configuration event so far, the watcher's
     * write-backs included. Config Admin tells them one event at a time, in order, on one thread: when the
     * event of a configuration created now reaches a listener of this test, those before it have been told.
     */
    private static void settle(ConfigurationAdmin configurationAdmin) throws IOException, InterruptedException {
        String barrier = BARRIER_PID + "." + BARRIERS.incrementAndGet();
        CountDownLatch told = new CountDownLatch(1);
        BundleContext context = FrameworkUtil.getBundle(ConfigurationFiles.class).getBundleContext();
        ServiceRegistration<ConfigurationListener> listener = context.registerService(ConfigurationListener.class,
                event -> {
                    if (barrier.equals(event.getPid())) {
                        told.countDown();
                    }
                }, null);
        Configuration configuration = configurationAdmin.getConfiguration(barrier, "?");
        try {
            configuration.update(new Hashtable<>(Map.of("purpose", "orders the test after earlier events")));
            if (!told.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Config Admin did not deliver its events within " + TIMEOUT_MILLIS + " ms");
            }
        } finally {
            listener.unregister();
            configuration.delete();
        }
    }

    private static boolean holds(ConfigurationAdmin configurationAdmin, String pid, Map<String, String> values)
            throws IOException {
        Map<String, String> current = current(configurationAdmin, pid);
        return values.entrySet().stream().allMatch(e -> e.getValue().equals(current.get(e.getKey())));
    }

    /** The PID's properties as strings; looked up rather than got, which would create an empty configuration. */
    private static Map<String, String> current(ConfigurationAdmin configurationAdmin, String pid) throws IOException {
        Map<String, String> current = new TreeMap<>();
        Configuration[] found;
        try {
            found = configurationAdmin.listConfigurations("(service.pid=" + pid + ")");
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("not a PID: " + pid, e);
        }
        Dictionary<String, Object> properties = found == null ? null : found[0].getProperties();
        if (properties != null) {
            for (String key : Collections.list(properties.keys())) {
                current.put(key, String.valueOf(properties.get(key)));
            }
        }
        return current;
    }
}
