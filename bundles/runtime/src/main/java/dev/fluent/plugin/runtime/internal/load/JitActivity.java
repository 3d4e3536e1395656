package dev.fluent.plugin.runtime.internal.load;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether the JVM's JIT is compiling, or has queued, a method of some package: what the warm-up waits for. The
 * JVM says so through its diagnostic command {@code Compiler.queue} (the one {@code jcmd} runs), reached as the
 * platform MBean server's {@code compilerQueue} operation: it lists the compilations in progress and both
 * compilers' queues, one method per line. A compilation's total time, which {@code CompilationMXBean} offers,
 * counts only finished ones, so a large method that C2 compiles for a second would look idle meanwhile.
 */
final class JitActivity {

    private static final String OPERATION = "compilerQueue";
    private static final String[] SIGNATURE = {String[].class.getName()};

    private final MBeanServer server;
    private final ObjectName command;

    private JitActivity(MBeanServer server, ObjectName command) {
        this.server = server;
        this.command = command;
    }

    /** The JVM's, or {@code null} where it offers no such command (another JVM than HotSpot). */
    static JitActivity ofThisJvm() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName command = new ObjectName("com.sun.management:type=DiagnosticCommand");
            return server.isRegistered(command) ? new JitActivity(server, command) : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a method of a class whose name starts with {@code prefix} is being compiled or waits to be, or
     * {@code null} if the JVM did not answer.
     */
    Boolean compiling(String prefix) {
        try {
            Object queue = server.invoke(command, OPERATION, new Object[] {null}, SIGNATURE);
            return queue instanceof String text ? text.contains(prefix) : null;
        } catch (JMException | RuntimeException e) {
            return null;
        }
    }
}
