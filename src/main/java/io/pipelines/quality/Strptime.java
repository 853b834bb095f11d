package io.pipelines.quality;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whether a text reads with a C {@code strftime} format the way Python's {@code datetime.strptime}
 * reads it (which Great Expectations' {@code expect_column_values_to_match_strftime_format} calls):
 * the same directives with the same digits and ranges, case-insensitive names, a run of white space
 * matching any white space, the whole text consumed, and the date one that exists (no 30 February).
 */
final class Strptime {

    private static final String MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december";
    private static final String MONTHS_SHORT = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec";
    private static final String DAYS = "monday|tuesday|wednesday|thursday|friday|saturday|sunday";
    private static final String DAYS_SHORT = "mon|tue|wed|thu|fri|sat|sun";

    /** Python's own regular expression of each directive (Lib/_strptime.py, in the C locale). */
    private static final Map<Character, String> DIRECTIVES = Map.ofEntries(
            Map.entry('d', "(?<d>3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])"),
            Map.entry('f', "(?<f>[0-9]{1,6})"),
            Map.entry('H', "(?<H>2[0-3]|[0-1]\\d|\\d)"),
            Map.entry('I', "(?<I>1[0-2]|0[1-9]|[1-9])"),
            Map.entry('j', "(?<j>36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])"),
            Map.entry('m', "(?<m>1[0-2]|0[1-9]|[1-9])"),
            Map.entry('M', "(?<M>[0-5]\\d|\\d)"),
            Map.entry('S', "(?<S>6[0-1]|[0-5]\\d|\\d)"),
            Map.entry('U', "(?<U>5[0-3]|[0-4]\\d|\\d)"),
            Map.entry('W', "(?<W>5[0-3]|[0-4]\\d|\\d)"),
            Map.entry('w', "(?<w>[0-6])"),
            Map.entry('u', "(?<u>[1-7])"),
            Map.entry('y', "(?<y>\\d\\d)"),
            Map.entry('Y', "(?<Y>\\d\\d\\d\\d)"),
            Map.entry('z', "(?<z>[+-]\\d\\d:?[0-5]\\d(:?[0-5]\\d(\\.\\d{1,6})?)?|(?-i:Z))"),
            Map.entry('Z', "(?<Z>utc|gmt|[a-z]{3,5})"),
            Map.entry('B', "(?<B>" + MONTHS + ")"),
            Map.entry('b', "(?<b>" + MONTHS_SHORT + ")"),
            Map.entry('A', "(?<A>" + DAYS + ")"),
            Map.entry('a', "(?<a>" + DAYS_SHORT + ")"),
            Map.entry('p', "(?<p>am|pm)"));

    private static final List<String> MONTH_NAMES = List.of(MONTHS.split("\\|"));
    private static final List<String> MONTH_ABBREVIATIONS = List.of(MONTHS_SHORT.split("\\|"));

    /** Python's locale directives in the C locale. */
    private static final Map<Character, String> COMPOSITES = Map.of('c', "%a %b %d %H:%M:%S %Y", 'x', "%m/%d/%y",
            'X', "%H:%M:%S", 'T', "%H:%M:%S", 'R', "%H:%M");

    private final Pattern pattern;
    /** The directives the format gives: the named groups a match may have. */
    private final Set<Character> used;

    private Strptime(Pattern pattern, Set<Character> used) {
        this.pattern = pattern;
        this.used = used;
    }

    /** The format compiled; a directive Python does not know, or one given twice, is refused. */
    static Strptime compile(String format) {
        StringBuilder regex = new StringBuilder();
        Set<Character> used = new HashSet<>();
        append(format, regex, used);
        return new Strptime(Pattern.compile(regex.toString(), Pattern.CASE_INSENSITIVE), Set.copyOf(used));
    }

    private static void append(String format, StringBuilder regex, Set<Character> used) {
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c == '%') {
                if (i + 1 == format.length()) {
                    throw new IllegalArgumentException("'" + format + "' ends with a lone %");
                }
                char directive = format.charAt(++i);
                if (directive == '%') {
                    regex.append('%');
                } else if (COMPOSITES.containsKey(directive)) {
                    append(COMPOSITES.get(directive), regex, used);
                } else if (DIRECTIVES.containsKey(directive)) {
                    if (!used.add(directive)) {
                        throw new IllegalArgumentException("'" + format + "' gives %" + directive + " twice");
                    }
                    regex.append(DIRECTIVES.get(directive));
                } else {
                    throw new IllegalArgumentException("'%" + directive + "' is not a strftime directive Python reads");
                }
            } else if (Character.isWhitespace(c)) {
                while (i + 1 < format.length() && Character.isWhitespace(format.charAt(i + 1))) {
                    i++;
                }
                regex.append("\\s+");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
    }

    boolean matches(String text) {
        Matcher m = pattern.matcher(text);
        if (!m.matches()) {
            return false;
        }
        int year = group(m, "Y") != null ? Integer.parseInt(group(m, "Y"))
                : group(m, "y") != null ? twoDigitYear(Integer.parseInt(group(m, "y"))) : 1900;
        int month = group(m, "m") != null ? Integer.parseInt(group(m, "m"))
                : group(m, "B") != null ? month(group(m, "B"), MONTH_NAMES) : group(m, "b") != null ? month(group(m, "b"), MONTH_ABBREVIATIONS) : 1;
        int day = group(m, "d") != null ? Integer.parseInt(group(m, "d").trim()) : 1;
        try {
            LocalDate.of(year, month, day);
            if (group(m, "j") != null) {
                LocalDate.ofYearDay(year, Integer.parseInt(group(m, "j")));
            }
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }

    /** Python's rule: 69-99 are 1969-1999, 0-68 are 2000-2068. */
    private static int twoDigitYear(int y) {
        return y >= 69 ? 1900 + y : 2000 + y;
    }

    private static int month(String name, List<String> names) {
        return names.indexOf(name.toLowerCase(Locale.ROOT)) + 1;
    }

    private String group(Matcher m, String name) {
        return used.contains(name.charAt(0)) ? m.group(name) : null;
    }
}
