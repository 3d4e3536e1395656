package dev.fluent.plugin.shell.internal.author;

import dev.fluent.plugin.api.Capability;
import java.util.List;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

/** Completes capability names as a manifest spells them ({@code LoggingAccess} …). */
@Service
public class CapabilityCompleter implements Completer {

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter names = new StringsCompleter();
        for (Capability capability : Capability.values()) {
            names.getStrings().add(capability.manifestName());
        }
        return names.complete(session, commandLine, candidates);
    }
}
