package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.pipelines.support.GeneratedSection;

/**
 * docs/quality.md lists the expectation types and their arguments as ExpectationType declares them,
 * so that an argument is named once. After changing a type, run
 * {@code ./mvnw test -Dtest=ExpectationCatalogueTest -Dpipelines.docs.update=true} to write it again.
 */
class ExpectationCatalogueTest {

    private static final Path DOC = Path.of("docs/quality.md");
    private static final String START = "<!-- expectations: generated from ExpectationType by ExpectationCatalogueTest -->\n";
    private static final String END = "<!-- expectations: end -->";
    private static final Map<ExpectationType.Family, String> FAMILIES = Map.of(
            ExpectationType.Family.TABLE, "The table",
            ExpectationType.Family.COLUMN_VALUES, "Each value of a column",
            ExpectationType.Family.COLUMN_STATISTIC, "A figure of a column (its observed value)",
            ExpectationType.Family.ROWS, "Each row, over several columns");

    @Test
    void theDocListsEveryTypeWithItsArguments() throws Exception {
        GeneratedSection.check(DOC, START, END, markdown(), "ExpectationCatalogueTest");
    }

    private static String markdown() {
        StringBuilder md = new StringBuilder();
        for (ExpectationType.Family family : ExpectationType.Family.values()) {
            md.append("\n**").append(FAMILIES.get(family)).append("**\n\n| type | arguments |\n| --- | --- |\n");
            for (ExpectationType type : ExpectationType.values()) {
                if (type.family() != family) {
                    continue;
                }
                List<String> arguments = type.kwargs().stream()
                        .filter(k -> !List.of("mostly", "result_format", "include_config", "catch_exceptions").contains(k))
                        .map(k -> type.requiredKwargs().contains(k) ? "**" + k + "**" : k).toList();
                md.append("| `").append(type.fileName()).append("` | ").append(String.join(", ", arguments)).append(" |\n");
            }
        }
        return md.append('\n').toString();
    }
}
