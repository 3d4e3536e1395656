package dev.fluent.plugin.host.network.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluent.plugin.api.AuditActions;
import dev.fluent.plugin.api.Capability;
import dev.fluent.plugin.api.ErrorCode;
import dev.fluent.plugin.api.Grant;
import dev.fluent.plugin.api.HostPattern;
import dev.fluent.plugin.api.spi.CapabilityProvider;
import dev.fluent.plugin.api.spi.HostCall;
import dev.fluent.plugin.api.spi.HostCallException;
import dev.fluent.plugin.api.spi.HostFunctionDefinition;
import dev.fluent.plugin.api.spi.StandardHostFunction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.Security;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.ssl.SSLException;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;

/**
 * NetworkAccess: {@code http_request(head, body)} sends one HTTP or HTTPS request with the JDK's
 * {@link HttpClient} and returns the response. Before every exchange, the first and each redirect, three
 * checks: the URL's scheme, host and port against the plugin's granted {@code allowed_hosts}; every address
 * the host name resolves to against the operator's policy (loopback, private and link-local addresses only
 * if allowed, unspecified/multicast/reserved never); and the execution's {@code max_network_requests}. The
 * client never follows redirects or uses a proxy on its own. Waits are bounded by the operator's timeouts
 * and by the time the execution has left; response bodies by {@code max_response_bytes}.
 *
 * <p>Address pinning: the name is resolved here, through the JVM's resolver, and every address checked.
 * The client then resolves the same name again when it connects; that lookup is answered from the JVM's
 * address cache this check has just filled ({@code networkaddress.cache.ttl}, 30 s by default), so the
 * connection goes to an address that was checked, and a DNS answer that changes in between (rebinding)
 * is not seen. Where the JVM does not cache addresses ({@code networkaddress.cache.ttl=0}) that guarantee
 * is gone, and requests to host names are refused; IP-literal URLs need no lookup. Connections the client
 * keeps open are reused only for the same scheme, host and port, whose address was checked when it opened.
 */
@Component(service = CapabilityProvider.class, configurationPid = NetworkSettings.PID)
@Designate(ocd = NetworkConfig.class, factory = false)
public final class NetworkProvider implements CapabilityProvider {


    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, InetAddress[]> resolver;
    private volatile NetworkSettings settings;
    private volatile HttpClient client;

    @Activate
    public NetworkProvider(NetworkConfig config) {
        this(NetworkSettings.from(config), NetworkProvider::resolve);
    }

    NetworkProvider(NetworkSettings settings, Function<String, InetAddress[]> resolver) {
        this.resolver = resolver;
        apply(settings);
    }

    @Modified
    void modified(NetworkConfig config) {
        apply(NetworkSettings.from(config));
    }

    private void apply(NetworkSettings s) {
        settings = s;
        client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(Duration.ofMillis(s.connectTimeoutMs()))
                .build();
    }

    @Override
    public Capability capability() {
        return Capability.NETWORK_ACCESS;
    }

    @Override
    public List<HostFunctionDefinition> functions() {
        return List.of(StandardHostFunction.HTTP_REQUEST.define(this::httpRequestHandled));
    }

    private long httpRequest(HostCall call, long[] args) {
        NetworkSettings limits = settings;
        long headLength = args[1] & 0xFFFF_FFFFL;
        long bodyLength = args[3] & 0xFFFF_FFFFL;
        if (headLength > RequestHead.MAX_HEAD_BYTES) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "http_request: the request head is at most "
                    + RequestHead.MAX_HEAD_BYTES + " bytes, got " + headLength);
        }
        call.check(args[0], headLength);
        call.check(args[2], bodyLength);
        if (bodyLength > limits.maxRequestBodyBytes()) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.HTTP_REQUEST, null, "the request body is " + bodyLength
                    + " bytes, above the " + limits.maxRequestBodyBytes() + " bytes allowed ("
                    + NetworkSettings.MAX_REQUEST_BODY + " in etc/" + NetworkSettings.PID + ".cfg)");
        }
        RequestHead head = RequestHead.parse(call.readString(args[0], headLength));
        byte[] body = call.read(args[2], bodyLength);

        String method = head.method();
        URI url = head.url();
        Map<String, String> headers = new LinkedHashMap<>(head.headers());
        URI from = null;
        for (int hop = 0; hop <= limits.maxRedirects(); hop++) {
            checkDestination(call, url, from);
            HttpResponse<byte[]> response = send(call, limits, method, url, headers, body);
            int status = response.statusCode();
            String location = response.headers().firstValue("location").orElse(null);
            if (!REDIRECTS.contains(status) || location == null) {
                call.audit(AuditActions.HTTP_REQUEST, method + " " + resource(url), Map.of(
                        "status", Integer.toString(status),
                        "bytes_out", Integer.toString(body.length),
                        "bytes_in", Integer.toString(response.body().length)));
                return call.result(encodeResponse(response));
            }
            URI next;
            try {
                next = RequestHead.url(url.resolve(location).toString());
            } catch (IllegalArgumentException | HostCallException e) {
                return call.failed("redirect from " + resource(url) + " to an unusable location: " + location);
            }
            call.audit(AuditActions.HTTP_REQUEST, method + " " + resource(url), Map.of(
                    "status", Integer.toString(status), "redirect", resource(next)));
            if (status == 303 || ((status == 301 || status == 302) && method.equals("POST"))) {
                method = "GET";
                body = new byte[0];
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("content-type"));
            }
            if (!origin(next).equals(origin(url))) {
                // Credentials meant for one origin never travel to another.
                headers.keySet().removeIf(h -> h.equalsIgnoreCase("authorization") || h.equalsIgnoreCase("cookie")
                        || h.equalsIgnoreCase("proxy-authorization"));
            }
            from = url;
            url = next;
        }
        return call.failed("more than " + limits.maxRedirects() + " redirects, last to " + resource(url));
    }

    /** The three checks of one exchange: request budget, allowed host, resolved addresses. */
    private void checkDestination(HostCall call, URI url, URI redirectedFrom) {
        Grant grant = call.grant();
        String via = redirectedFrom == null ? "" : " (redirected from " + resource(redirectedFrom) + ")";
        long sent = call.count(HostCall.NETWORK_REQUESTS, 1);
        int budget = grant.permissions().maxNetworkRequests();
        if (sent > budget) {
            throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.HTTP_REQUEST, resource(url), "request " + sent
                    + " to " + resource(url) + via + " is more than max_network_requests=" + budget
                    + " allows in one execution");
        }
        String scheme = url.getScheme();
        String host = HostPattern.canonicalHost(url.getHost());
        int port = url.getPort() < 0 ? HostPattern.defaultPort(scheme) : url.getPort();
        boolean allowed = false;
        for (String entry : grant.permissions().allowedHosts()) {
            try {
                if (HostPattern.parse(entry).matches(scheme, host, port)) {
                    allowed = true;
                    break;
                }
            } catch (IllegalArgumentException e) {
                // Not an entry the parser would have let through; it allows nothing.
            }
        }
        if (!allowed) {
            throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.HTTP_REQUEST, resource(url), scheme + "://" + host + ":"
                    + port + via + " is not in plugin " + call.pluginId() + "'s allowed_hosts "
                    + grant.permissions().allowedHosts() + " (a bare host means https on port 443)");
        }
        boolean literal = isIpLiteral(host);
        if (!literal && !resolverCaches()) {
            throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.HTTP_REQUEST, resource(url), "requests to host names"
                    + " need the JVM's address cache (networkaddress.cache.ttl is 0), which keeps the address"
                    + " checked here the one connected to");
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.apply(literal ? host.replace("[", "").replace("]", "") : host);
        } catch (RuntimeException e) {
            throw new HostCallException(ErrorCode.INTERNAL, "http_request: resolving " + host + " failed: " + e);
        }
        if (addresses == null || addresses.length == 0) {
            throw new UnresolvedHost(host);
        }
        for (InetAddress address : addresses) {
            AddressRules.Kind kind = AddressRules.classify(address);
            boolean ok = switch (kind) {
                case PUBLIC -> true;
                case LOOPBACK -> grant.loopbackAllowed();
                case PRIVATE, LINK_LOCAL -> grant.privateAddressesAllowed();
                case NEVER -> false;
            };
            if (!ok) {
                String why = switch (kind) {
                    case LOOPBACK -> "; the operator's policy does not allow loopback addresses (allow_loopback)";
                    case PRIVATE, LINK_LOCAL -> "; the operator's policy does not allow private addresses"
                            + " (allow_private_addresses)";
                    default -> "";
                };
                throw call.deny(ErrorCode.ACCESS_DENIED, AuditActions.HTTP_REQUEST, resource(url), host
                        + (literal ? " is " : " resolves to " + address.getHostAddress() + ", ")
                        + kind.description + via + why);
            }
        }
    }

    private HttpResponse<byte[]> send(HostCall call, NetworkSettings limits, String method, URI url,
            Map<String, String> headers, byte[] body) {
        long remaining = call.remainingTime().toMillis();
        if (remaining <= 0) {
            throw new HostCallException(ErrorCode.TIMEOUT, "http_request: the execution has no time left");
        }
        long timeout = Math.min(limits.requestTimeoutMs(), remaining);
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(url)
                    .timeout(Duration.ofMillis(timeout))
                    .method(method, body.length == 0 && (method.equals("GET") || method.equals("HEAD")
                            || method.equals("DELETE") || method.equals("OPTIONS"))
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(builder::header);
            request = builder.build();
        } catch (IllegalArgumentException e) {
            throw new HostCallException(ErrorCode.BAD_HOST_CALL, "http_request: " + e.getMessage()
                    + " (Host, Content-Length, Connection, Expect and Upgrade are set by the platform)");
        }
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request, CappedBody.handler(limits.maxResponseBytes()));
        try {
            return future.get(timeout, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new HostCallException(ErrorCode.TIMEOUT, "http_request: interrupted at the execution's deadline");
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Failed("no response from " + resource(url) + " within " + timeout + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof CappedBody.TooLarge || cause != null && cause.getCause() instanceof CappedBody.TooLarge) {
                throw call.deny(ErrorCode.LIMIT_EXCEEDED, AuditActions.HTTP_REQUEST, resource(url), "the response of "
                        + resource(url) + " is larger than max_response_bytes=" + limits.maxResponseBytes());
            }
            throw new Failed(describe(url, cause));
        }
    }

    /** Thrown inside a call for a failure the plugin may handle; turned into {@link HostCall#FAILED}. */
    private static final class Failed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message, null, false, false);
        }
    }

    private static final class UnresolvedHost extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnresolvedHost(String host) {
            super("cannot resolve host " + host, null, false, false);
        }
    }

    /** The function as registered: failures the plugin may handle become {@link HostCall#FAILED}. */
    private long httpRequestHandled(HostCall call, long[] args) {
        try {
            return httpRequest(call, args);
        } catch (Failed | UnresolvedHost e) {
            return call.failed(e.getMessage());
        }
    }

    private static String describe(URI url, Throwable cause) {
        String what;
        if (cause instanceof HttpConnectTimeoutException) {
            what = "connecting timed out";
        } else if (cause instanceof HttpTimeoutException) {
            what = "no response in time";
        } else if (cause instanceof ConnectException) {
            what = "connection refused";
        } else if (cause instanceof SSLException) {
            what = "TLS failed: " + cause.getMessage();
        } else if (cause instanceof IOException) {
            what = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
        } else {
            what = String.valueOf(cause);
        }
        return resource(url) + ": " + what;
    }

    /** The response as the guest gets it: u32 head length (LE), head JSON, body. */
    static byte[] encodeResponse(HttpResponse<byte[]> response) {
        ObjectNode head = JSON.createObjectNode();
        head.put("status", response.statusCode());
        head.put("url", response.uri().toString());
        ObjectNode headers = head.putObject("headers");
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", values));
            }
        });
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = response.body() == null ? new byte[0] : response.body();
        ByteArrayOutputStream out = new ByteArrayOutputStream(4 + headBytes.length + body.length);
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(headBytes.length).array());
        out.writeBytes(headBytes);
        out.writeBytes(body);
        return out.toByteArray();
    }

    /** scheme://host:port/path, without query or fragment (they may carry secrets): what the audit names. */
    static String resource(URI url) {
        int port = url.getPort() < 0 ? HostPattern.defaultPort(url.getScheme()) : url.getPort();
        return url.getScheme() + "://" + url.getHost() + ":" + port + (url.getRawPath() == null ? "" : url.getRawPath());
    }

    private static String origin(URI url) {
        int port = url.getPort() < 0 ? HostPattern.defaultPort(url.getScheme()) : url.getPort();
        return url.getScheme() + "://" + url.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
    }

    /** Whether the JVM caches successful lookups, which the address pinning relies on. */
    static boolean resolverCaches() {
        String ttl = Security.getProperty("networkaddress.cache.ttl");
        if (ttl == null) {
            ttl = System.getProperty("sun.net.inetaddr.ttl");
        }
        if (ttl == null) {
            return true; // 30 s by default without a security manager
        }
        try {
            return Integer.parseInt(ttl.trim()) != 0;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return new InetAddress[0];
        }
    }
}
