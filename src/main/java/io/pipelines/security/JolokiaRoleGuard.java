package io.pipelines.security;

import java.io.IOException;
import java.util.List;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Lets a viewer read through Jolokia (read, list, search, version: what Hawtio shows) but not act
 * (exec, write, anything else): that takes an operator (403 otherwise, before Jolokia sees the
 * request). What an operator may execute at all is Jolokia's own policy (jolokia-access.xml).
 */
final class JolokiaRoleGuard extends OncePerRequestFilter {

    private final ObjectMapper json;

    JolokiaRoleGuard(ObjectMapper json) {
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !JolokiaRequests.isJolokia(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpServletRequest seen = JolokiaRequests.read(request, json);
        if (seen == null) {
            Problems.write(response, 413, "Payload Too Large", "A Jolokia request of more than "
                    + CachedBodyRequest.MAX_BODY + " bytes is refused");
            return;
        }
        List<JolokiaRequests.Operation> ops = JolokiaRequests.operations(seen);
        if (JolokiaRequests.anyActs(ops) && request.getHeader("Authorization") == null) {
            // The console's session cookie rides on any request a browser sends, a GET from a same-site page
            // included: Jolokia's acts need a login of their own (Hawtio's basic login).
            Problems.write(response, 403, "Forbidden", "Jolokia's operations need a login of their own (Hawtio's "
                    + "basic login), not the console's session");
            return;
        }
        if (JolokiaRequests.anyActs(ops) && !Roles.holds(SecurityContextHolder.getContext().getAuthentication(), Roles.OPERATOR)) {
            Problems.write(response, 403, "Forbidden", "Jolokia " + ops.stream().filter(JolokiaRequests.Operation::acts)
                    .map(JolokiaRequests.Operation::type).distinct().toList() + " takes the operator role; this login may only read");
            return;
        }
        chain.doFilter(seen, response);
    }
}
