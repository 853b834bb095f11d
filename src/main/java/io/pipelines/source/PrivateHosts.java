package io.pipelines.source;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

import io.pipelines.config.SourceDefinition;
import io.pipelines.schema.SourceRejectedException;

/**
 * Where an HTTP source's API may send the service: its own host (as configured), any public host,
 * and a loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), shared (100.64/10) or link-local
 * (169.254/16, the clouds' metadata address included; fe80::/10) address only when the source's
 * {@code http.allowed-hosts} names it. So a redirect or a next-page link cannot make the service
 * read from its own network. The name is resolved here and again by the request (a name that
 * changes its address in between is not caught: allow no such host).
 */
final class PrivateHosts {

    private static final Set<String> SCHEMES = Set.of("http", "https");

    private PrivateHosts() {
    }

    /** Throws, naming the source and the host, when {@code next} may not be requested. */
    static void requireAllowed(SourceDefinition source, URI base, URI next) throws UnknownHostException {
        String scheme = next.getScheme() == null ? "" : next.getScheme().toLowerCase(Locale.ROOT);
        String host = next.getHost();
        if (!SCHEMES.contains(scheme) || host == null) {
            throw new SourceRejectedException("Source " + source.name() + ": the next request goes to " + next
                    + ", which is not an http(s) URL; not followed");
        }
        if (host.equalsIgnoreCase(base.getHost())
                || source.settings().getHttp().getAllowedHosts().stream().anyMatch(host::equalsIgnoreCase)) {
            return;
        }
        for (InetAddress address : InetAddress.getAllByName(host)) {
            if (isInternal(address)) {
                throw new SourceRejectedException("Source " + source.name() + ": the next request goes to " + next
                        + ", whose host " + host + " is " + address.getHostAddress() + ", a loopback, private or link-local "
                        + "address; not followed (name the host in pipelines.sources." + source.name()
                        + ".http.allowed-hosts if the API really lives there)");
            }
        }
    }

    /** Loopback, unspecified, link-local, private, shared or unique-local. */
    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet6Address) {
            return (b[0] & 0xfe) == 0xfc; // fc00::/7, unique local
        }
        return (b[0] & 0xff) == 100 && (b[1] & 0xc0) == 64; // 100.64.0.0/10, shared (carrier-grade NAT)
    }
}
