package io.pipelines.security;

import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Failed logins per client address, in windows of one minute: an address that failed
 * pipelines.security.max-failed-logins times in the current minute gets 429 (with Retry-After) for
 * any request that carries a login until the minute is over, before its password is looked at.
 * The addresses kept are bounded (the oldest forgotten first).
 */
public class LoginThrottle {

    private static final long WINDOW_MILLIS = 60_000;
    private static final int MAX_ADDRESSES = 10_000;

    private final int maxFailures;
    private final Clock clock;
    /** address -> {window start, failures in it} */
    private final Map<String, long[]> failures = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    public LoginThrottle(int maxFailures, Clock clock) {
        this.maxFailures = maxFailures;
        this.clock = clock;
    }

    /** Counts a failed login of {@code address}. */
    public synchronized void failed(String address) {
        long now = clock.millis();
        long[] w = failures.get(address);
        if (w == null || now - w[0] >= WINDOW_MILLIS) {
            failures.put(address, new long[] {now, 1});
        } else {
            w[1]++;
        }
    }

    /** Milliseconds until {@code address} may try again; 0 when it may now. */
    synchronized long blockedFor(String address) {
        long[] w = failures.get(address);
        long now = clock.millis();
        if (w == null || now - w[0] >= WINDOW_MILLIS || w[1] < maxFailures) {
            return 0;
        }
        return WINDOW_MILLIS - (now - w[0]);
    }

    /** The filter that answers 429 to a blocked address (in the security chain, before the login is checked). */
    OncePerRequestFilter filter() {
        return new OncePerRequestFilter() {
            @Override
            protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                    throws ServletException, IOException {
                refuseBlocked(request, response, chain);
            }
        };
    }

    private void refuseBlocked(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        boolean login = request.getHeader("Authorization") != null
                || ("POST".equals(request.getMethod()) && request.getRequestURI().equals(request.getContextPath() + "/login"));
        long wait = login ? blockedFor(request.getRemoteAddr()) : 0;
        if (wait > 0) {
            long seconds = (wait + 999) / 1000;
            response.setHeader("Retry-After", Long.toString(seconds));
            Problems.write(response, 429, "Too Many Requests", "Too many failed logins from this address: try again in "
                    + seconds + " s");
            return;
        }
        chain.doFilter(request, response);
    }
}
