package io.pipelines.api;

/**
 * The query parameters of the list calls: {@code limit}, a whole number from 1 to a maximum (100 when
 * absent), and the optional filters (a pipeline, a user), absent when blank.
 */
final class ListParameters {

    static final int DEFAULT = 100;
    static final int MAX = 1000;

    private ListParameters() {
    }

    static int limit(String limit) {
        if (limit == null) {
            return DEFAULT;
        }
        int n;
        try {
            n = Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > MAX) {
            throw ApiProblem.badRequest("limit", "limit must be a whole number from 1 to " + MAX);
        }
        return n;
    }

    /** An optional filter's value: null (no filter) when absent or blank. */
    static String filter(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
