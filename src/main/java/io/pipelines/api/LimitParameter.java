package io.pipelines.api;

/** The {@code limit} query parameter of the list calls: a whole number from 1 to a maximum, 100 when absent. */
final class LimitParameter {

    static final int DEFAULT = 100;
    static final int MAX = 1000;

    private LimitParameter() {
    }

    static int parse(String limit) {
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
}
