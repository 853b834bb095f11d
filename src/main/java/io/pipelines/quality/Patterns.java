package io.pipelines.quality;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The text patterns of the suites: Python regular expressions and SQL LIKE patterns, as Java patterns. */
final class Patterns {

    private Patterns() {
    }

    /**
     * A regular expression as Great Expectations applies it (Python's {@code re.search}: found anywhere
     * in the value unless anchored); Python's named groups {@code (?P<name>...)} and {@code (?P=name)}
     * are taken too.
     */
    static Pattern regex(String regex) {
        String java = regex.replace("(?P<", "(?<").replaceAll("\\(\\?P=(\\w+)\\)", "\\\\k<$1>");
        try {
            return Pattern.compile(java);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getDescription() + " near index " + e.getIndex(), e);
        }
    }

    /**
     * A LIKE pattern as PostgreSQL reads it: {@code %} any text, {@code _} one character, a backslash
     * escapes the next character, everything else itself; it matches the whole value.
     */
    static Pattern like(String like) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\' && i + 1 < like.length()) {
                regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
