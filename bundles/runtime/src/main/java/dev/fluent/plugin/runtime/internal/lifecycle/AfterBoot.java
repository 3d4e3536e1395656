package dev.fluent.plugin.runtime.internal.lifecycle;

import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Runs a task once, on a daemon thread of its own, when Karaf has installed and started its boot features
 * (its {@code BootFinished} service appears; at once if it is there already). By then every bundle of the
 * boot features is active and its Declarative Services bound: the trust store and its verifiers, the
 * capability providers. Ordering by that event replaces any timed wait at start. Outside Karaf the task
 * never runs by itself.
 */
public final class AfterBoot implements AutoCloseable {

    /** Karaf's marker service, registered once the boot features are installed and started. */
    public static final String BOOT_FINISHED = "org.apache.karaf.features.BootFinished";

    private final ServiceTracker<Object, Object> tracker;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Thread thread;

    /** @param context the bundle context, or {@code null} outside OSGi (the task is then left to the caller) */
    public AfterBoot(BundleContext context, String threadName, Runnable task) throws InvalidSyntaxException {
        if (context == null) {
            tracker = null;
            return;
        }
        tracker = new ServiceTracker<>(context, context.createFilter("(objectClass=" + BOOT_FINISHED + ")"), null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                if (started.compareAndSet(false, true)) {
                    Thread t = new Thread(task, threadName);
                    t.setDaemon(true);
                    thread = t;
                    t.start();
                }
                return reference;
            }
        };
        tracker.open(true);
    }

    /** Stops watching; a task still running is interrupted. */
    @Override
    public void close() {
        if (tracker != null) {
            tracker.close();
        }
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
