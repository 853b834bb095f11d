package io.pipelines.quality;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The expectation types the validator implements, with the arguments each requires. */
public enum ExpectationType {
    EXPECT_COLUMN_TO_EXIST(List.of("column")),
    EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL(List.of("column")),
    EXPECT_COLUMN_VALUES_TO_BE_UNIQUE(List.of("column")),
    EXPECT_COLUMN_VALUES_TO_BE_BETWEEN(List.of("column")),
    EXPECT_COLUMN_VALUES_TO_BE_IN_SET(List.of("column", "value_set")),
    EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN(List.of()),
    /**
     * This project's own (Great Expectations has none): the row count against the same pipeline's
     * recent loads ({@link VolumeHistory}); kwargs lookback (loads, default 8), same_weekday (default
     * false), max_change (a share of their median: 0.5 allows half as many to half as many again)
     * and/or max_stdevs (from their mean). With no earlier load it passes, saying so.
     */
    EXPECT_TABLE_ROW_COUNT_TO_BE_WITHIN_HISTORY(List.of());

    private final List<String> requiredKwargs;

    ExpectationType(List<String> requiredKwargs) {
        this.requiredKwargs = requiredKwargs;
    }

    public List<String> requiredKwargs() {
        return requiredKwargs;
    }

    /** The name used in suite files, e.g. {@code expect_column_values_to_be_unique}. */
    public String fileName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ExpectationType> fromFileName(String name) {
        return Arrays.stream(values()).filter(t -> t.fileName().equals(name)).findFirst();
    }

    public static List<String> fileNames() {
        return Arrays.stream(values()).map(ExpectationType::fileName).toList();
    }
}
