package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers behind the catalogue: strftime formats, lenient dates, LIKE patterns, spooled order statistics. */
class ValueReadingTest {

    @TempDir
    Path dir;

    @Test
    void strftimeFormatsReadAsPythonsStrptimeReadsThem() {
        Strptime iso = Strptime.compile("%Y-%m-%dT%H:%M:%S");
        assertThat(iso.matches("1980-05-21T13:47:59")).isTrue();
        assertThat(iso.matches("1977-05-55T00:00:00")).as("no 55th day").isFalse();
        assertThat(iso.matches("2019-02-29T00:00:00")).as("2019 is no leap year").isFalse();
        assertThat(iso.matches("2020-02-29T00:00:00")).isTrue();
        assertThat(iso.matches("1980-05-21T13:47:59 ")).as("the whole text").isFalse();
        assertThat(Strptime.compile("%d %B %Y, %I:%M %p").matches("3 june 2021,  7:05 PM")).as("names, spaces, 12 hours").isTrue();
        assertThat(Strptime.compile("%y%j").matches("21366")).as("day 366 of a common year").isFalse();
        assertThat(Strptime.compile("%%%Y").matches("%2021")).isTrue();
        assertThatThrownBy(() -> Strptime.compile("%Y-%Y")).hasMessageContaining("gives %Y twice");
        assertThatThrownBy(() -> Strptime.compile("%Y-%")).hasMessageContaining("lone %");
    }

    @Test
    void datesReadInTheCommonWaysDateutilReadsThem() {
        assertThat(LenientDates.parse("2019-04-01")).contains(LocalDateTime.of(2019, 4, 1, 0, 0));
        assertThat(LenientDates.parse("01/31/2010")).as("month first").contains(LocalDateTime.of(2010, 1, 31, 0, 0));
        assertThat(LenientDates.parse("31.01.2010")).as("day first when it must be").contains(LocalDateTime.of(2010, 1, 31, 0, 0));
        assertThat(LenientDates.parse("Jan 01 1970 12:00:01")).contains(LocalDateTime.of(1970, 1, 1, 12, 0, 1));
        assertThat(LenientDates.parse("Saturday, 1st January 2000 at 1:30 pm")).contains(LocalDateTime.of(2000, 1, 1, 13, 30));
        assertThat(LenientDates.parse("2019-04-01T12:00:01+02:00")).as("to UTC").contains(LocalDateTime.of(2019, 4, 1, 10, 0, 1));
        assertThat(LenientDates.parse("20190401")).contains(LocalDateTime.of(2019, 4, 1, 0, 0));
        for (String no : List.of("abc", "cat", "2019-02-30", "13/13/2013", "1 2 3", "")) {
            assertThat(LenientDates.parse(no)).as(no).isEmpty();
        }
    }

    @Test
    void likePatternsReadAsPostgresqlReadsThem() {
        assertThat(Patterns.like("a%").matcher("abc").matches()).isTrue();
        assertThat(Patterns.like("a_c").matcher("abc").matches()).isTrue();
        assertThat(Patterns.like("[a]").matcher("a").matches()).as("brackets are themselves").isFalse();
        assertThat(Patterns.like("100\\%").matcher("100%").matches()).isTrue();
        assertThat(Patterns.like("100\\%").matcher("1000").matches()).isFalse();
        assertThat(Patterns.like("a.c").matcher("abc").matches()).as("a dot is itself").isFalse();
        assertThat(Patterns.regex("(?P<y>\\d{4})-(?P=y)").matcher("2021-2021").find()).as("Python's named groups").isTrue();
    }

    @Test
    void orderStatisticsFromTheFileMatchThoseInMemory() throws Exception {
        Random random = new Random(7);
        double[] values = new double[50_000];
        try (SpilledDoubles inMemory = new SpilledDoubles(dir); SpilledDoubles onDisk = new SpilledDoubles(dir, 1000)) {
            for (int i = 0; i < values.length; i++) {
                values[i] = i % 10 == 0 ? -random.nextInt(100) : random.nextGaussian() * 1e6;
                inMemory.add(values[i]);
                onDisk.add(values[i]);
            }
            Arrays.sort(values);
            for (long k : new long[] {0, 1, 4_999, 25_000, 49_998, 49_999}) {
                assertThat(onDisk.select(k)).as("k = " + k).isEqualTo(values[(int) k]).isEqualTo(inMemory.select(k));
            }
        }
        try (var left = Files.list(dir)) {
            assertThat(left).as("the spooled files are deleted").isEmpty();
        }
    }

    @Test
    void anExpectationThatCannotApplyToItsColumnIsRefusedWhenTheCheckStarts() {
        Schema schema = SchemaBuilder.record("t").fields().optionalLong("amount").optionalString("name").endRecord();
        for (Map.Entry<ExpectationType, Map<String, Object>> c : Map.of(
                ExpectationType.EXPECT_COLUMN_VALUE_LENGTHS_TO_EQUAL, Map.<String, Object>of("column", "amount", "value", 3),
                ExpectationType.EXPECT_COLUMN_MEAN_TO_BE_BETWEEN, Map.<String, Object>of("column", "name", "min_value", 1),
                ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_BETWEEN, Map.<String, Object>of("column", "name", "min_value", 1)).entrySet()) {
            QualitySuite suite = new QualitySuite("s.json", "s", List.of(new Expectation(0, 4, c.getKey(), c.getValue(), Expectation.ERROR)));
            assertThatThrownBy(() -> new SuiteRun(suite, schema, dir)).as(c.getKey().fileName())
                    .isInstanceOf(QualitySuiteException.class).hasMessageStartingWith("s.json:4: expectations[0]: ")
                    .hasMessageMatching(".*(reads text|needs numbers|cannot be compared).*");
        }
    }
}
