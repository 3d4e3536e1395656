package dev.fluent.plugin.http.internal.auth;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.apache.karaf.jaas.boot.ProxyLoginModule;
import org.apache.karaf.jaas.boot.principal.RolePrincipal;

/**
 * A Karaf JAAS realm ({@code karaf} by default: {@code etc/users.properties}, or whatever login modules the
 * operator deployed for it), as Karaf's own SSH and JMX logins use it.
 */
public final class JaasRealm implements PasswordRealm {

    private final String realm;

    public JaasRealm(String realm) {
        this.realm = realm;
    }

    @Override
    public Optional<Set<String>> login(String user, char[] password) {
        // Karaf's JAAS configuration names its ProxyLoginModule, which LoginContext loads through the context
        // class loader: a servlet thread's loader need not see it, the loader that loaded it does.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ProxyLoginModule.class.getClassLoader());
        try {
            LoginContext context = new LoginContext(realm, new Subject(), callbacks -> answer(callbacks, user, password));
            context.login();
            Set<String> roles = context.getSubject().getPrincipals(RolePrincipal.class).stream()
                    .map(RolePrincipal::getName).collect(Collectors.toUnmodifiableSet());
            context.logout();
            return Optional.of(roles);
        } catch (LoginException e) {
            return Optional.empty();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static void answer(Callback[] callbacks, String user, char[] password) throws UnsupportedCallbackException {
        for (Callback callback : callbacks) {
            if (callback instanceof NameCallback name) {
                name.setName(user);
            } else if (callback instanceof PasswordCallback pass) {
                pass.setPassword(password);
            } else {
                throw new UnsupportedCallbackException(callback);
            }
        }
    }
}
