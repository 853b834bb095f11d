package io.pipelines.security;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Writes every action of a login to the audit log once it is answered, refused ones included: a
 * call of the API that is not a read (trigger, backfill, resume, replay...) and a Jolokia request
 * that acts (exec, write: a pipeline's operation, a route suspended). Recorded: the user, the
 * client's address, the method and path (or Jolokia's operations), the body (its first 4,000
 * characters) and the status answered.
 */
final class AuditTrail extends OncePerRequestFilter {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final AuditLog log;
    private final ObjectMapper json;

    AuditTrail(AuditLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Authentication login = SecurityContextHolder.getContext().getAuthentication();
        if (login == null || login instanceof AnonymousAuthenticationToken) {
            chain.doFilter(request, response);
            return;
        }
        List<JolokiaRequests.Operation> ops = null;
        HttpServletRequest seen = request;
        if (JolokiaRequests.isJolokia(path)) {
            seen = JolokiaRequests.read(request, json);
            ops = seen == null ? null : JolokiaRequests.operations(seen);
        }
        boolean acts = ops != null ? JolokiaRequests.anyActs(ops) : path.startsWith("/api/") && !READS.contains(request.getMethod())
                || JolokiaRequests.isJolokia(path);
        if (!acts) {
            chain.doFilter(seen, response);
            return;
        }
        CachedBodyRequest cached = seen == null ? null : CachedBodyRequest.of(seen);
        if (cached == null) {
            Problems.write(response, 413, "Payload Too Large", "A request of more than " + CachedBodyRequest.MAX_BODY
                    + " bytes is refused");
            log.record(login.getName(), request.getRemoteAddr(), request.getMethod() + " " + path, null, 413);
            return;
        }
        String action = ops != null ? "jolokia " + ops.stream().map(JolokiaRequests.Operation::describe)
                .collect(Collectors.joining("; ")) : request.getMethod() + " " + path;
        Runnable record = () -> log.record(login.getName(), request.getRemoteAddr(), action, cached.text(), response.getStatus());
        boolean async = false;
        try {
            chain.doFilter(cached, response);
            async = cached.isAsyncStarted();
        } finally {
            if (async) {
                // The API's routes answer asynchronously: the status is known once the answer is complete.
                cached.getAsyncContext().addListener(new AsyncListener() {
                    @Override
                    public void onComplete(AsyncEvent event) {
                        record.run();
                    }

                    @Override
                    public void onTimeout(AsyncEvent event) {
                    }

                    @Override
                    public void onError(AsyncEvent event) {
                    }

                    @Override
                    public void onStartAsync(AsyncEvent event) {
                    }
                });
            } else {
                record.run();
            }
        }
    }
}
