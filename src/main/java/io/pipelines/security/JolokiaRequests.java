package io.pipelines.security;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The operations of a Jolokia request: the path's first segment of a GET
 * ({@code /actuator/jolokia/exec/<mbean>/<operation>/...}, or its {@code p} parameter), or the
 * {@code type} of each request of a POST body (one object or a list). Read, list, search and
 * version only read; exec and write act.
 */
final class JolokiaRequests {

    static final String PATH = "/actuator/jolokia";

    /** One operation: its type, MBean and operation or attribute (empty when not given). */
    record Operation(String type, String mbean, String target) {
        boolean acts() {
            return !Set.of("read", "list", "search", "version").contains(type);
        }

        String describe() {
            return type + (mbean.isEmpty() ? "" : " " + mbean) + (target.isEmpty() ? "" : " " + target);
        }
    }

    private JolokiaRequests() {
    }

    static boolean isJolokia(String path) {
        return path.equals(PATH) || path.startsWith(PATH + "/");
    }

    /** The operations of a GET's path (after /actuator/jolokia). */
    static List<Operation> ofPath(String rest) {
        String[] parts = rest.replaceAll("^/+", "").split("/");
        String type = parts.length == 0 || parts[0].isEmpty() ? "version" : parts[0];
        return List.of(new Operation(type, parts.length > 1 ? parts[1] : "", parts.length > 2 ? parts[2] : ""));
    }

    /** The operations of a POST's body; an unreadable body counts as one that acts. */
    static List<Operation> ofBody(String body, ObjectMapper json) {
        List<Operation> ops = new ArrayList<>();
        try {
            JsonNode root = json.readTree(body);
            for (JsonNode r : root.isArray() ? root : List.of(root)) {
                String type = r.path("type").asText("").toLowerCase(java.util.Locale.ROOT);
                String target = r.hasNonNull("operation") ? r.path("operation").asText() : r.path("attribute").asText("");
                ops.add(new Operation(type.isEmpty() ? "unknown" : type, r.path("mbean").asText(""), target));
            }
        } catch (Exception e) {
            ops.add(new Operation("unreadable", "", ""));
        }
        return ops.isEmpty() ? List.of(new Operation("unreadable", "", "")) : ops;
    }

    /** The request attribute that holds a Jolokia request's operations, once read. */
    static final String OPERATIONS = "pipelines.jolokia.operations";

    /**
     * The request (with its body in memory, for a POST) carrying its operations in {@link #OPERATIONS};
     * itself when it carries them already; null when its body is too large to look at.
     */
    static HttpServletRequest read(HttpServletRequest request, ObjectMapper json) throws IOException {
        if (request.getAttribute(OPERATIONS) != null) {
            return request;
        }
        HttpServletRequest seen = request;
        List<Operation> ops;
        if ("POST".equals(request.getMethod())) {
            CachedBodyRequest cached = CachedBodyRequest.of(request);
            if (cached == null) {
                return null;
            }
            seen = cached;
            ops = ofBody(cached.text(), json);
        } else {
            String path = request.getParameter("p") != null ? request.getParameter("p")
                    : request.getRequestURI().substring(request.getContextPath().length() + PATH.length());
            ops = ofPath(path);
        }
        seen.setAttribute(OPERATIONS, ops);
        return seen;
    }

    @SuppressWarnings("unchecked")
    static List<Operation> operations(HttpServletRequest request) {
        return (List<Operation>) request.getAttribute(OPERATIONS);
    }

    static boolean anyActs(List<Operation> ops) {
        return ops.stream().anyMatch(Operation::acts);
    }
}
