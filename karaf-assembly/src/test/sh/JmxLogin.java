import java.util.Map;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Logs in to an installation's JMX connector as a user of its realm and prints one plugin's MBean attribute:
 * {@code java JmxLogin.java <service-url> <user> <password> <plugin-id> <attribute>}. Exit 0 and the value on
 * success; a refused login or a missing MBean ends with the exception's message and exit 1.
 */
public final class JmxLogin {

    public static void main(String[] args) throws Exception {
        Map<String, Object> environment = Map.of(JMXConnector.CREDENTIALS, new String[] {args[1], args[2]});
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(args[0]), environment)) {
            MBeanServerConnection server = connector.getMBeanServerConnection();
            ObjectName plugin = new ObjectName("dev.fluent.plugin:type=Plugin,name=" + args[3]);
            System.out.println(server.getAttribute(plugin, args[4]));
        } catch (Exception e) {
            System.out.println(e.getClass().getSimpleName() + ": " + e.getMessage());
            System.exit(1);
        }
    }
}
