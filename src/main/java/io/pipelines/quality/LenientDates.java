package io.pipelines.quality;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a date and time written in the common ways Python's {@code dateutil.parser.parse} reads
 * (which Great Expectations calls for {@code expect_column_values_to_be_dateutil_parseable} and
 * {@code parse_strings_as_datetimes}): ISO-8601 ({@code 2019-04-01}, {@code 2019-04-01T12:00:01Z}),
 * numeric with the month first unless it cannot be ({@code 01/31/2010}, {@code 31.01.2010}, two-digit
 * years too), with month names ({@code Jan 01 2000}, {@code 1 January 2000}, {@code Sat Jan 1 2000},
 * {@code January 1st, 2000}), compact digits ({@code 20190401}, {@code 20190401120001}) and a time alone
 * (today's date), each date with an optional time ({@code 12:00}, {@code 12:00:01.5}, {@code 1:00 PM})
 * and zone ({@code Z}, {@code UTC}, {@code +02:00}, taken to UTC). dateutil guesses at more than these
 * (fuzzy words, lone numbers); those are not dates here.
 */
final class LenientDates {

    private static final String MONTH = "(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\\.?";
    private static final String WEEKDAY = "(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?,?\\s+)?";
    private static final String CLOCK = "(\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,9}))?)?(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.))?";
    private static final String ZONE = "(?:\\s*(z|utc|gmt|[+-]\\d{2}(?::?\\d{2})?))?";
    /** An optional time after a date: groups hour, minute, second, fraction, am/pm, zone. */
    private static final String TIME = "(?:(?:\\s+|T|\\s*,\\s*|\\s+at\\s+)" + CLOCK + ")?" + ZONE;
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

    private static final Pattern ISO = pattern("(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})" + TIME);
    private static final Pattern NUMERIC = pattern("(\\d{1,2})[-/.](\\d{1,2})[-/.](\\d{4}|\\d{2})" + TIME);
    private static final Pattern MONTH_FIRST = pattern(WEEKDAY + MONTH + "\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})" + TIME);
    private static final Pattern DAY_FIRST = pattern(WEEKDAY + "(\\d{1,2})(?:st|nd|rd|th)?\\s+" + MONTH + ",?\\s+(\\d{4})" + TIME);
    /** ctime's order: Sat Jan  1 12:00:00 2000. */
    private static final Pattern CTIME = pattern(WEEKDAY + MONTH + "\\s+(\\d{1,2})\\s+(\\d{1,2}):(\\d{2}):(\\d{2})\\s+(\\d{4})");
    private static final Pattern COMPACT = pattern("(\\d{4})(\\d{2})(\\d{2})(?:T?(\\d{2})(\\d{2})(\\d{2})?)?");
    private static final Pattern TIME_ONLY = pattern(CLOCK + ZONE);

    private LenientDates() {
    }

    private static Pattern pattern(String regex) {
        return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }

    static Optional<LocalDateTime> parse(String text) {
        String s = text.strip();
        try {
            Matcher m = ISO.matcher(s);
            if (m.matches()) {
                return at(date(m.group(1), m.group(2), m.group(3)), m, 4);
            }
            m = NUMERIC.matcher(s);
            if (m.matches()) {
                int first = Integer.parseInt(m.group(1));
                int second = Integer.parseInt(m.group(2));
                String year = m.group(3).length() == 2 ? String.valueOf(twoDigitYear(Integer.parseInt(m.group(3)))) : m.group(3);
                boolean monthFirst = first <= 12;
                return at(date(year, String.valueOf(monthFirst ? first : second), String.valueOf(monthFirst ? second : first)), m, 4);
            }
            m = MONTH_FIRST.matcher(s);
            if (m.matches()) {
                return at(date(m.group(3), month(m.group(1)), m.group(2)), m, 4);
            }
            m = DAY_FIRST.matcher(s);
            if (m.matches()) {
                return at(date(m.group(3), month(m.group(2)), m.group(1)), m, 4);
            }
            m = CTIME.matcher(s);
            if (m.matches()) {
                return Optional.of(date(m.group(6), month(m.group(1)), m.group(2)).atTime(Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5))));
            }
            m = COMPACT.matcher(s);
            if (m.matches()) {
                LocalDate day = date(m.group(1), m.group(2), m.group(3));
                return Optional.of(m.group(4) == null ? day.atStartOfDay() : day.atTime(Integer.parseInt(m.group(4)),
                        Integer.parseInt(m.group(5)), m.group(6) == null ? 0 : Integer.parseInt(m.group(6))));
            }
            m = TIME_ONLY.matcher(s);
            if (m.matches()) {
                return at(LocalDate.now(ZoneOffset.UTC), m, 1);
            }
        } catch (DateTimeException | NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static LocalDate date(String year, String month, String day) {
        return LocalDate.of(Integer.parseInt(year), Integer.parseInt(month), Integer.parseInt(day));
    }

    private static String month(String name) {
        return String.valueOf(MONTHS.indexOf(name.toLowerCase(Locale.ROOT).substring(0, 3)) + 1);
    }

    private static int twoDigitYear(int y) {
        return y >= 69 ? 1900 + y : 2000 + y;
    }

    /** The date at the time of groups {@code from} (hour, minute, second, fraction, am/pm, zone), when given. */
    private static Optional<LocalDateTime> at(LocalDate date, Matcher m, int from) {
        if (m.group(from) == null) {
            return Optional.of(date.atStartOfDay());
        }
        int hour = Integer.parseInt(m.group(from));
        String half = m.group(from + 4);
        if (half != null) {
            if (hour < 1 || hour > 12) {
                return Optional.empty();
            }
            hour = hour % 12 + (half.toLowerCase(Locale.ROOT).startsWith("p") ? 12 : 0);
        }
        String fraction = m.group(from + 3);
        int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
        LocalDateTime local = LocalDateTime.of(date, LocalTime.of(hour, Integer.parseInt(m.group(from + 1)),
                m.group(from + 2) == null ? 0 : Integer.parseInt(m.group(from + 2)), nanos));
        String zone = m.group(from + 5);
        if (zone == null || zone.equalsIgnoreCase("z") || zone.equalsIgnoreCase("utc") || zone.equalsIgnoreCase("gmt")) {
            return Optional.of(local);
        }
        String offset = zone.length() == 3 ? zone + ":00" : zone.contains(":") ? zone : zone.substring(0, 3) + ":" + zone.substring(3);
        return Optional.of(local.atOffset(ZoneOffset.of(offset)).withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime());
    }
}
