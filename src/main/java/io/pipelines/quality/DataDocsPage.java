package io.pipelines.quality;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A validation's report as one self-contained HTML page (this project's Data Docs): the run, the
 * suite, each expectation with its outcome, counts, observed value and sample values, the rows a
 * quarantine held back, and a chart of the earlier loads of each check against history. No script,
 * no outside resource; every value from the data is escaped.
 */
public final class DataDocsPage {

    /** What the page is about besides the results. */
    public record Run(String pipeline, long runId, LocalDate logicalDate, String task, String suite, long rows,
                      long brokenOnTheirOwn, String quarantine, Instant checkedAt) {
    }

    private DataDocsPage() {
    }

    public static String render(Run run, List<ExpectationResult> results) {
        long failed = results.stream().filter(ExpectationResult::blocking).count();
        long warned = results.stream().filter(ExpectationResult::warning).count();
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(run.suite() + " · " + run.pipeline() + " " + run.logicalDate())).append("</title><style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse;width:100%}")
                .append("th,td{border-bottom:1px solid #ddd;padding:6px 8px;text-align:left;vertical-align:top}")
                .append(".ok{color:#176c2e}.fail{color:#b3261e}.warn{color:#8a5a00}code{font-size:12px}")
                .append(".samples code{background:#f4f4f4;margin-right:4px;padding:1px 3px}</style></head><body>");
        h.append("<h1>").append(esc(run.suite())).append("</h1><p>Pipeline <b>").append(esc(run.pipeline()))
                .append("</b>, run ").append(run.runId()).append(", logical date ").append(run.logicalDate())
                .append(", task ").append(esc(run.task())).append("; checked at ").append(run.checkedAt()).append(".</p>");
        h.append("<p class=\"").append(failed > 0 ? "fail" : warned > 0 ? "warn" : "ok").append("\"><b>")
                .append(failed > 0 ? "Failed" : "Passed").append("</b>: ").append(results.size()).append(" expectation(s), ")
                .append(failed).append(" failed, ").append(warned).append(" warning(s), over ").append(run.rows())
                .append(" row(s).</p>");
        h.append("<p>").append(run.brokenOnTheirOwn()).append(" row(s) broke an expectation of severity error on their own")
                .append(run.quarantine() == null ? " (this check does not quarantine: they were loaded unless the run failed)"
                        : "; held back from the load in " + esc(run.quarantine()) + " (unless the run failed)").append(".</p>");
        h.append("<table><tr><th>#</th><th>Expectation</th><th>Result</th><th>Rows</th><th>Unexpected</th>")
                .append("<th>Observed</th><th>Sample values</th></tr>");
        for (ExpectationResult r : results) {
            String status = r.success() ? "ok" : r.warning() ? "warn" : "fail";
            h.append("<tr><td>").append(r.index()).append("</td><td><code>")
                    .append(esc(Expectation.label(r.expectationType(), r.kwargs()))).append("</code>")
                    .append("<br><small>").append(esc(arguments(r.kwargs()))).append("</small></td><td class=\"")
                    .append(status).append("\">").append(r.success() ? "met" : r.warning() ? "not met (warning)" : "not met")
                    .append("</td><td>").append(r.elementCount()).append("</td><td>").append(r.unexpectedCount())
                    .append(r.unexpectedPercent() == null ? "" : String.format(Locale.ROOT, " (%.2f %%)", r.unexpectedPercent()))
                    .append("</td><td>").append(r.observedValue() == null ? "" : "<code>" + esc(String.valueOf(r.observedValue())) + "</code>")
                    .append(chart(r)).append("</td><td class=\"samples\">");
            for (String sample : r.partialUnexpected()) {
                h.append("<code>").append(esc(sample)).append("</code>");
            }
            Object counts = r.details() == null ? null : r.details().get("partial_unexpected_counts");
            if (counts instanceof List<?> list && !list.isEmpty()) {
                h.append("<br><small>counts: ").append(esc(list.toString())).append("</small>");
            }
            if (r.details() != null && r.details().containsKey("unexpected_rows_kept")) {
                h.append("<br><small>").append(r.details().get("unexpected_rows_kept"))
                        .append(" failing row(s) kept in etl.quality_unexpected_rows")
                        .append(Boolean.TRUE.equals(r.details().get("unexpected_rows_capped")) ? " (capped)" : "").append("</small>");
            }
            h.append("</td></tr>");
        }
        return h.append("</table></body></html>").toString();
    }

    private static String arguments(Map<String, Object> kwargs) {
        List<String> parts = new ArrayList<>();
        kwargs.forEach((k, v) -> {
            if (!k.equals("column") && !k.equals("column_A") && !k.equals("column_B") && !k.equals("column_list")) {
                parts.add(k + "=" + v);
            }
        });
        return String.join(", ", parts);
    }

    /**
     * The earlier loads of a check against history as bars (oldest on the left), this load's in the
     * last place, and the range allowed as a band.
     */
    @SuppressWarnings("unchecked")
    static String chart(ExpectationResult r) {
        if (r.details() == null || !(r.details().get("history") instanceof List<?> history) || history.isEmpty()
                || !(r.observedValue() instanceof Number now)) {
            return "";
        }
        List<Double> figures = new ArrayList<>();
        ((List<Number>) history).forEach(n -> figures.add(n.doubleValue()));
        Collections.reverse(figures);
        figures.add(now.doubleValue());
        Number low = (Number) r.details().get("low");
        Number high = (Number) r.details().get("high");
        double top = figures.stream().mapToDouble(Math::abs).max().orElse(1);
        if (high != null) {
            top = Math.max(top, high.doubleValue());
        }
        top = top <= 0 ? 1 : top * 1.1;
        int width = 24 * figures.size() + 8;
        int height = 80;
        StringBuilder svg = new StringBuilder("<br><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\"><title>")
                .append(esc("earlier loads (oldest first) and this one; the band is the range allowed")).append("</title>");
        if (low != null || high != null) {
            double bandHigh = high == null ? top : high.doubleValue();
            double bandLow = low == null ? 0 : Math.max(0, low.doubleValue());
            svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"#dcefe0\"/>",
                    y(bandHigh, top, height), width, Math.max(0, y(bandLow, top, height) - y(bandHigh, top, height))));
        }
        for (int i = 0; i < figures.size(); i++) {
            double f = Math.max(0, figures.get(i));
            boolean current = i == figures.size() - 1;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"16\" height=\"%.1f\" fill=\"%s\">"
                            + "<title>%s</title></rect>", 6 + 24 * i, y(f, top, height), height - y(f, top, height),
                    current ? (r.success() ? "#176c2e" : "#b3261e") : "#8a8f98",
                    esc((current ? "this load: " : "earlier load: ") + Volume.number(figures.get(i)))));
        }
        return svg.append("</svg>").toString();
    }

    private static double y(double value, double top, int height) {
        return height - value / top * height;
    }

    /** Text for HTML: &amp;, &lt;, &gt; and quotes escaped. */
    public static String esc(String text) {
        StringBuilder s = new StringBuilder(text.length() + 16);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> s.append("&amp;");
                case '<' -> s.append("&lt;");
                case '>' -> s.append("&gt;");
                case '"' -> s.append("&quot;");
                case '\'' -> s.append("&#39;");
                default -> s.append(c);
            }
        }
        return s.toString();
    }
}
