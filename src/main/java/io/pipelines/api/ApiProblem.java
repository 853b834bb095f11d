package io.pipelines.api;

/**
 * A request the API refuses, rendered as RFC 7807 problem details: the status, a short title, a
 * detail that says what was wrong, and the request field at fault when there is one.
 */
public class ApiProblem extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;

    public ApiProblem(int status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public static ApiProblem badRequest(String field, String detail) {
        return new ApiProblem(400, "Bad request", detail, field);
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail, null);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail, null);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String field() {
        return field;
    }
}
