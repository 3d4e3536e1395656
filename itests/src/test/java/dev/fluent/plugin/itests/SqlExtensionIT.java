package dev.fluent.plugin.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.fluent.plugin.api.AuditLog;
import dev.fluent.plugin.api.AuditQuery;
import dev.fluent.plugin.api.AuditRecord;
import dev.fluent.plugin.api.EngineRequest;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.PluginException;
import dev.fluent.plugin.api.PluginRegistry;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.inject.Inject;
import javax.sql.DataSource;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.jdbc.DataSourceFactory;

/**
 * The extension kit's SQL capability (examples/extensions/sql) in the real distribution, against a real H2
 * database served the Karaf way: pax-jdbc's features bring H2 and turn {@code etc/org.ops4j.datasource-plugins.cfg}
 * into a DataSource service. Dropping the bundle into {@code deploy/} with its configuration in {@code etc/} lets
 * the example plugin {@code sql-query} (examples/extensions/sql/example) answer from the database; its limits and
 * its read-only rule end single executions; removing the jar suspends the plugin, putting it back resumes it.
 * No restart, no change to the platform's bundles.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class SqlExtensionIT extends PlatformTestSupport {

    /** pax-jdbc's feature repository, as declared in itests/pom.xml (which puts it into the local repository). */
    private static final String PAX_JDBC_FEATURES = "mvn:org.ops4j.pax.jdbc/pax-jdbc-features/1.5.7/xml/features";
    private static final String CAPABILITY = "dev.fluent.example.SqlQuery";
    private static final String ACTION = "dev.fluent.example.sql.query";
    private static final String PLUGIN = "sql-query";
    private static final String READER_PASSWORD = "reader-only";

    @Inject
    private PluginRegistry registry;

    @Inject
    private AuditLog auditLog;

    private boolean providerRegistered() {
        try {
            return bundleContext.getServiceReferences(CapabilityProvider.class, null).stream()
                    .anyMatch(r -> CAPABILITY.equals(bundleContext.getService(r).capabilityName()));
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean dataSourceRegistered() {
        try {
            return !bundleContext.getServiceReferences(DataSource.class, "(dataSourceName=plugins)").isEmpty();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A database of five fruits, created by its owner {@code sa}, with a user {@code reader} that may only read
     * them: the user the operator's DataSource logs in as.
     */
    private String createDatabase(Path folder) throws Exception {
        String url = "jdbc:h2:file:" + folder.resolve("plugins").toAbsolutePath();
        DataSourceFactory h2 = waitForService(DataSourceFactory.class,
                "(" + DataSourceFactory.OSGI_JDBC_DRIVER_CLASS + "=org.h2.Driver)", DEFAULT_TIMEOUT_MILLIS);
        Properties owner = new Properties();
        owner.put(DataSourceFactory.JDBC_URL, url);
        owner.put(DataSourceFactory.JDBC_USER, "sa");
        owner.put(DataSourceFactory.JDBC_PASSWORD, "owner-secret");
        try (Connection c = h2.createDataSource(owner).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE fruit (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(6,2))");
            s.execute("INSERT INTO fruit VALUES (1, 'apple', 0.50), (2, 'pear', 0.75), (3, 'fig', 2.10),"
                    + " (4, 'plum', 0.30), (5, 'quince', 1.80)");
            s.execute("CREATE USER reader PASSWORD '" + READER_PASSWORD + "'");
            s.execute("GRANT SELECT ON fruit TO reader");
        }
        return url;
    }

    private int fruits(String url) throws Exception {
        DataSourceFactory h2 = waitForService(DataSourceFactory.class);
        Properties owner = new Properties();
        owner.put(DataSourceFactory.JDBC_URL, url);
        owner.put(DataSourceFactory.JDBC_USER, "sa");
        owner.put(DataSourceFactory.JDBC_PASSWORD, "owner-secret");
        try (Connection c = h2.createDataSource(owner).getConnection(); Statement s = c.createStatement();
                ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM fruit")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    private String query(String sql, String params) throws PluginException {
        return registry.execute(PLUGIN, EngineRequest.of("{\"sql\":\"" + sql + "\",\"params\":" + params + "}"))
                .content();
    }

    private List<AuditRecord> audit(String plugin, String action, boolean failedOnly) {
        return auditLog.query(AuditQuery.builder().pluginId(plugin).action(action).failedOnly(failedOnly).limit(100)
                .build());
    }

    /** The example plugin, its capability taken out of its manifest (and so unsigned, as development mode allows). */
    private Path undeclaredCopy() throws Exception {
        Path source = pluginFolder("extensions/sql/example/sql-query");
        Path folder = Files.createTempDirectory("sql-it").resolve("sql-undeclared");
        Files.createDirectories(folder);
        Files.copy(source.resolve("plugin.wasm"), folder.resolve("plugin.wasm"));
        String manifest = Files.readString(source.resolve("manifest.json"), StandardCharsets.UTF_8)
                .replaceFirst("\"name\": \"[^\"]*\"", "\"name\": \"sql-undeclared\"")
                .replaceFirst("(?s)\"capabilities\": \\[[^\\]]*\\]", "\"capabilities\": []")
                .replaceFirst("\\n\\s*\"signature\": \"[^\"]*\",", "");
        Files.writeString(folder.resolve("manifest.json"), manifest, StandardCharsets.UTF_8);
        return folder;
    }

    @Test
    public void theDroppedSqlBundleAnswersFromARealDatabaseWithinItsLimitsAndSuspendsWhenRemoved()
            throws Exception {
        Path jar = extensionJar("sql");
        Path base = Paths.get(System.getProperty("karaf.base"));
        Path etc = base.resolve("etc");
        Path deployed = base.resolve("deploy").resolve(jar.getFileName());
        Path dataSourceConfig = etc.resolve("org.ops4j.datasource-plugins.cfg");
        Path sqlConfig = etc.resolve("dev.fluent.example.sql.cfg");

        // Nothing of the platform restarts: not for the database's features, the bundle, or its removal.
        List<String> stopped = new CopyOnWriteArrayList<>();
        BundleListener stops = event -> {
            String name = event.getBundle().getSymbolicName();
            if (event.getType() == BundleEvent.STOPPED && name != null && name.startsWith(PLATFORM_BUNDLE_PREFIX)) {
                stopped.add(name);
            }
        };
        bundleContext.addBundleListener(stops);
        String installed = executeCommand("feature:repo-add " + PAX_JDBC_FEATURES, 120_000)
                + executeCommand("feature:install pax-jdbc-h2 pax-jdbc-config", 120_000);
        String url = createDatabase(Files.createTempDirectory(base.resolve("data"), "sql-it"));
        Files.writeString(dataSourceConfig, "osgi.jdbc.driver.class = org.h2.Driver\n"
                + "url = " + url + "\n"
                + "user = reader\n"
                + "password = " + READER_PASSWORD + "\n"
                + "dataSourceName = plugins\n");
        waitUntil("the DataSource of etc/org.ops4j.datasource-plugins.cfg registered (" + installed + ")",
                this::dataSourceRegistered);
        Files.writeString(sqlConfig, "dataSource.target = (dataSourceName=plugins)\n"
                + "max_rows = 3\n");
        Files.createDirectories(deployed.getParent());
        Files.copy(jar, deployed);
        try {
            waitUntil("the dropped SQL capability registered", this::providerRegistered);
            registry.load(pluginFolder("extensions/sql/example/sql-query"), false);

            assertEquals("{\"columns\":[\"NAME\",\"PRICE\"],\"rows\":[[\"apple\",0.50],[\"pear\",0.75],[\"plum\","
                    + "0.30]]}", query("SELECT name, price FROM fruit WHERE price < ? ORDER BY id", "[1]"));
            String shown = executeCommand("plugin:show " + PLUGIN);
            assertTrue(shown, shown.contains(CAPABILITY));

            // Five rows where three are allowed: that execution ends, the next one runs.
            PluginException over = assertThrows(PluginException.class, () -> query("SELECT id FROM fruit", "[]"));
            assertEquals(ErrorCode.LIMIT_EXCEEDED, over.code());
            assertTrue(over.getMessage(), over.getMessage().contains("more than the 3 rows (max_rows"));
            assertEquals("{\"columns\":[\"N\"],\"rows\":[[5]]}", query("SELECT COUNT(*) AS n FROM fruit", "[]"));

            // A write is refused before it reaches the database.
            PluginException write = assertThrows(PluginException.class, () -> query("DELETE FROM fruit", "[]"));
            assertEquals(ErrorCode.ACCESS_DENIED, write.code());
            assertTrue(write.getMessage(), write.getMessage().contains("'DELETE' statements are refused"));
            assertEquals(5, fruits(url));

            // A query the database refuses is the plugin's own error, with the database's reason.
            PluginException failed = assertThrows(PluginException.class,
                    () -> query("SELECT * FROM nowhere", "[]"));
            assertEquals(ErrorCode.PLUGIN_ERROR, failed.code());
            assertTrue(failed.getMessage(), failed.getMessage().contains("QUERY_FAILED")
                    && failed.getMessage().contains("NOWHERE"));

            PluginException undeclared = assertThrows(PluginException.class,
                    () -> registry.load(undeclaredCopy(), false));
            assertEquals(ErrorCode.IMPORT_NOT_ALLOWED, undeclared.code());
            assertTrue(undeclared.getMessage(), undeclared.getMessage().contains(ACTION + " needs capability "
                    + CAPABILITY));

            waitUntil("uses and both denials audited", () -> audit(PLUGIN, ACTION, false).stream()
                    .filter(AuditRecord::success).count() >= 3
                    && audit(PLUGIN, ACTION, true).stream().anyMatch(r -> r.error().contains("max_rows"))
                    && audit(PLUGIN, ACTION, true).stream().anyMatch(r -> r.error().contains("'DELETE'")));
        } finally {
            Files.deleteIfExists(deployed);
        }
        try {
            waitUntil("the removed SQL capability unregistered", () -> !providerRegistered());
            // The registry's own view, which follows the service's removal: the plugin reports itself suspended.
            waitUntil("the plugin suspended", () -> registry.find(PLUGIN)
                    .map(info -> CAPABILITY.equals(info.unavailableCapability())).orElse(false));
            PluginException suspended = assertThrows(PluginException.class, () -> query("SELECT 1", "[]"));
            assertEquals(ErrorCode.CAPABILITY_UNAVAILABLE, suspended.code());
            assertTrue(suspended.getMessage(), suspended.getMessage().contains(CAPABILITY));
            waitUntil("the suspension audited", () -> audit(PLUGIN, "suspend", false).stream()
                    .anyMatch(r -> CAPABILITY.equals(r.resource())));

            Files.copy(jar, deployed);
            waitUntil("the SQL capability registered again", this::providerRegistered);
            waitUntil("the plugin serving again", () -> registry.find(PLUGIN)
                    .map(info -> info.unavailableCapability() == null).orElse(false));
            assertEquals("{\"columns\":[\"NAME\"],\"rows\":[[\"quince\"]]}",
                    query("SELECT name FROM fruit WHERE id = ?", "[5]"));
            waitUntil("the resumption audited", () -> audit(PLUGIN, "resume", false).stream()
                    .anyMatch(r -> CAPABILITY.equals(r.resource())));
            assertEquals("platform bundles stopped", List.of(), stopped);
        } finally {
            bundleContext.removeBundleListener(stops);
            Files.deleteIfExists(deployed);
            Files.deleteIfExists(sqlConfig);
            Files.deleteIfExists(dataSourceConfig);
            if (registry.find(PLUGIN).isPresent()) {
                registry.unload(PLUGIN);
            }
        }
    }
}
