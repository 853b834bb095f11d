package io.pipelines.security;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Refuses (403) what a browser sends on behalf of another site: a request whose Origin header names
 * another origin than the service's own (the scheme, host and port it was sent to) and than those
 * of pipelines.security.allowed-origins, or, without an Origin, whose Sec-Fetch-Site says
 * cross-site. A browser that keeps a Basic login sends it with a foreign page's requests too, and
 * Jolokia would answer them and share the answer with that page. Requests without these headers
 * (curl, scripts, probes) and the service's own pages (Hawtio) pass.
 */
public class CrossOriginGuard extends OncePerRequestFilter {

    private final List<String> allowed;

    public CrossOriginGuard(List<String> allowedOrigins) {
        this.allowed = allowedOrigins.stream().map(CrossOriginGuard::normalized).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        boolean foreign = origin != null ? !isOwnOrAllowed(origin, request)
                : "cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
        if (foreign) {
            Problems.write(response, HttpServletResponse.SC_FORBIDDEN, "Forbidden", "A request from another site is refused "
                    + "(its Origin is not this service's, nor one of pipelines.security.allowed-origins)");
            return;
        }
        chain.doFilter(request, response);
    }

    private boolean isOwnOrAllowed(String origin, HttpServletRequest request) {
        String given = normalized(origin);
        String own = normalized(request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort());
        return given.equals(own) || allowed.contains(given);
    }

    /** scheme://host:port in lower case, the port written even when it is the scheme's default; "null" stays itself. */
    static String normalized(String origin) {
        try {
            URI uri = URI.create(origin.strip());
            if (uri.getScheme() == null || uri.getHost() == null) {
                return origin.strip().toLowerCase(Locale.ROOT);
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(scheme) ? 443 : "http".equals(scheme) ? 80 : -1;
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (IllegalArgumentException e) {
            return origin.strip().toLowerCase(Locale.ROOT);
        }
    }
}
