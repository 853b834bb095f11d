package io.pipelines.source;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

import io.pipelines.config.SourceSettings.Http;

/**
 * The HTTP settings of a source ({@code pipelines.sources.<name>.http.*}) and the api-extract
 * block's parameters that carry them, in one table read both ways: an entry's settings written as
 * the parameters of its route ({@link SourcePipelines}), and a step's parameters read back into
 * settings ({@link SourceSteps}). A new HTTP setting is one line here and one parameter in
 * {@code kamelets/api-extract.kamelet.yaml} (which gives its title, default and meaning). The token
 * is not in the table: a route names the setting that holds it ({@code tokenSetting}), never the token.
 */
final class ApiParameters {

    /** A parameter: its name, its value as the route writes it, and how a step's text sets it. */
    private record Parameter(String name, Function<Http, Object> write, BiConsumer<Http, String> read) {
    }

    private static final List<Parameter> ALL = List.of(
            text("recordsField", Http::getRecordsField, Http::setRecordsField),
            text("pagination", Http::getPagination, Http::setPagination),
            text("pageParam", Http::getPageParam, Http::setPageParam),
            new Parameter("firstPage", Http::getFirstPage, (h, v) -> h.setFirstPage(Integer.parseInt(v))),
            text("offsetParam", Http::getOffsetParam, Http::setOffsetParam),
            text("sizeParam", Http::getSizeParam, Http::setSizeParam),
            new Parameter("pageSize", Http::getPageSize, (h, v) -> h.setPageSize(Integer.parseInt(v))),
            text("cursorParam", Http::getCursorParam, Http::setCursorParam),
            text("nextCursorField", Http::getNextCursorField, Http::setNextCursorField),
            text("auth", Http::getAuth, Http::setAuth),
            text("apiKeyHeader", Http::getApiKeyHeader, Http::setApiKeyHeader),
            duration("timeout", Http::getTimeout, Http::setTimeout),
            duration("maxRetryAfter", Http::getMaxRetryAfter, Http::setMaxRetryAfter),
            new Parameter("maxThrottledWaits", Http::getMaxThrottledWaits, (h, v) -> h.setMaxThrottledWaits(Integer.parseInt(v))),
            new Parameter("maxPages", Http::getMaxPages, (h, v) -> h.setMaxPages(Integer.parseInt(v))),
            new Parameter("maxPageSize", h -> h.getMaxPageSize().toBytes() + "B", (h, v) -> h.setMaxPageSize(DataSize.parse(v))),
            new Parameter("maxRecords", Http::getMaxRecords, (h, v) -> h.setMaxRecords(Long.parseLong(v))),
            new Parameter("maxFields", Http::getMaxFields, (h, v) -> h.setMaxFields(Integer.parseInt(v))),
            new Parameter("allowedHosts", h -> String.join(",", h.getAllowedHosts()), (h, v) -> h.setAllowedHosts(
                    Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())));

    private ApiParameters() {
    }

    /** The parameters of an entry's HTTP settings, in the table's order. */
    static Map<String, Object> write(Http http) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        ALL.forEach(p -> parameters.put(p.name(), p.write().apply(http)));
        return parameters;
    }

    /** Sets each HTTP setting from the parameter of that name ({@code parameter}: a step's text of it). */
    static void read(Http http, Function<String, String> parameter) {
        ALL.forEach(p -> p.read().accept(http, parameter.apply(p.name())));
    }

    private static Parameter text(String name, Function<Http, String> get, BiConsumer<Http, String> set) {
        return new Parameter(name, get::apply, set);
    }

    private static Parameter duration(String name, Function<Http, Duration> get, BiConsumer<Http, Duration> set) {
        return new Parameter(name, h -> get.apply(h).toMillis() + "ms", (h, v) -> set.accept(h, DurationStyle.detectAndParse(v)));
    }
}
