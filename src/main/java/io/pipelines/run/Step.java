package io.pipelines.run;

import java.util.Map;

/**
 * One step of a batch pipeline: a building block (a Kamelet of kamelets/) called from the
 * pipeline's route as {@code kamelet:<block>/<pipeline>.<task>}, with its parameters resolved
 * (placeholders replaced, defaults filled in) and checked against the block's definition.
 *
 * @param where the file, line, route and step, for messages
 */
public record Step(String pipeline, String task, String block, Map<String, String> parameters, String where) {

    /** The parameter's value; "" when it has none. */
    public String text(String name) {
        String value = parameters.get(name);
        return value == null ? "" : value;
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(text(name));
    }

    public double number(String name) {
        return Double.parseDouble(text(name));
    }

    /** An error in one of the step's parameters, naming the file, line, route, step and parameter. */
    public IllegalStateException wrong(String parameter, String problem) {
        return new IllegalStateException(where + ", parameter " + parameter + ": " + problem);
    }
}
