package dev.fluent.plugin.http.internal;

import dev.fluent.plugin.http.internal.auth.Caller;
import dev.fluent.plugin.http.internal.rest.Access;
import dev.fluent.plugin.http.internal.rest.ApiException;

/** The role each kind of access needs, as configured. */
record Roles(String read, String execute, String admin) {

    static Roles of(HttpConfig config) {
        return new Roles(config.role_read(), config.role_execute(), config.role_admin());
    }

    String roleFor(Access access) {
        return switch (access) {
            case READ -> read;
            case EXECUTE -> execute;
            case ADMIN -> admin;
        };
    }

    /** @throws ApiException 403 {@code FORBIDDEN}, naming the role, when the caller lacks it */
    void require(Caller caller, Access access) throws ApiException {
        String role = roleFor(access);
        if (!caller.hasRole(role)) {
            throw new ApiException(403, "FORBIDDEN", caller.name() + " lacks the role '" + role + "' this call needs");
        }
    }
}
