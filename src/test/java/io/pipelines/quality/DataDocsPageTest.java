package io.pipelines.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** A validation's report: every expectation with its outcome, values escaped, a chart for a check against history. */
class DataDocsPageTest {

    @Test
    void theReportShowsEachOutcomeEscapesTheDataAndChartsTheHistory() {
        ExpectationResult value = new ExpectationResult(0, "expect_column_values_to_match_regex", Map.of("column", "page",
                "regex", "^/"), false, 4, 1, 25.0, List.of("<script>alert('x')</script>"), null, null, Expectation.ERROR);
        ExpectationResult volume = new ExpectationResult(1, "expect_table_row_count_to_be_within_history",
                Map.of("max_change", 0.5), false, 40, 40, null, List.of("40 rows; ..."), 40L,
                Map.of("history", List.of(100.0, 110.0, 90.0), "low", 50.0, "high", 150.0), Expectation.WARNING);
        String html = DataDocsPage.render(new DataDocsPage.Run("p", 7, LocalDate.parse("2026-01-02"), "check", "s<1>", 4, 1,
                "quarantine.orders", Instant.parse("2026-01-03T00:00:00Z")), List.of(value, volume));

        assertThat(html).doesNotContain("<script>").contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;")
                .contains("<h1>s&lt;1&gt;</h1>", "<b>Failed</b>: 2 expectation(s), 1 failed, 1 warning(s), over 4 row(s)",
                        "<code>expect_column_values_to_match_regex(page)</code>", "regex=^/", "1 (25.00 %)",
                        "held back from the load in quarantine.orders", "not met (warning)");
        // Three earlier loads, oldest first, then this one, in red: it is not met.
        assertThat(html).contains("<svg").contains("earlier load: 90", "earlier load: 110", "earlier load: 100",
                "fill=\"#b3261e\"><title>this load: 40</title>");
        assertThat(html.indexOf("earlier load: 90")).isLessThan(html.indexOf("earlier load: 100"));
        assertThat(DataDocsPage.chart(value)).as("no chart without a history").isEmpty();
    }
}
