package io.pipelines.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.util.unit.DataSize;

/**
 * One entry of {@code pipelines.sources.<name>}: a table of a source database ({@code type: jdbc})
 * or an endpoint of an HTTP API ({@code type: http}) loaded incrementally into a staging table.
 * Every entry becomes a pipeline of its own, a route of building blocks made from it at start-up
 * (io.pipelines.source.SourcePipelines).
 * The entries are checked by {@code io.pipelines.config.SourceDefinitions}, which names the entry
 * and the field of anything wrong.
 */
public class SourceSettings {

    /** jdbc or http. */
    private String type;
    /** One line on what the source is. */
    private String description = "";
    /** jdbc: name of the connection under pipelines.connections (URL and credentials). */
    private String connection;
    /** jdbc: the table, {@code table} or {@code schema.table}. */
    private String table;
    /** http: base URL of the API. */
    private String url;
    /** http: path of the endpoint under the base URL (/products). */
    private String endpoint = "";
    /** Column (field) that grows on every insert and update, e.g. updated_at. */
    private String cursorColumn;
    /** Columns (fields) that identify a row: the upsert key, and the tie-break of the cursor. */
    private List<String> keyColumns = new ArrayList<>();
    /** Quartz cron (seconds first), or @hourly, @daily, @weekly. */
    private String schedule = "@daily";
    /** Time zone of the schedule and of the logical date. */
    private String timeZone = "UTC";
    /** Lake prefix of the landed objects; empty: raw/sources/<name>. */
    private String lakePrefix = "";
    /** Staging table (schema.table) that receives the rows; empty: staging.<name>. */
    private String warehouseTable = "";
    /** Most rows one run takes (the next run goes on from its watermark); 0: all rows up to the bound. */
    private long maxRowsPerRun = 0;
    /**
     * A quality suite (Great Expectations JSON, docs/quality.md) that each run's rows must pass before they are
     * loaded: a failed expectation fails the run, and the watermark stays; empty: none.
     */
    private String qualitySuite = "";
    /**
     * Age of the source's newest data (its watermark's cursor when that is a time, else its latest load) beyond which
     * its staging table is stale, a warning alerted once per change of level; empty: none.
     */
    private java.time.Duration freshnessWarn;
    /** As freshness-warn, for the error level (longer than freshness-warn); empty: none. */
    private java.time.Duration freshnessError;
    /** http: how the endpoint is read. */
    private final Http http = new Http();
    /** This source's retries; unset fields take pipelines.retry. */
    private PipelinesProperties.Retry retry = new PipelinesProperties.Retry();

    public String getType() { return type; }
    public void setType(String type) { this.type = type; }
    public String getDescription() { return description; }
    public void setDescription(String description) { this.description = description; }
    public String getConnection() { return connection; }
    public void setConnection(String connection) { this.connection = connection; }
    public String getTable() { return table; }
    public void setTable(String table) { this.table = table; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getEndpoint() { return endpoint; }
    public void setEndpoint(String endpoint) { this.endpoint = endpoint; }
    public String getCursorColumn() { return cursorColumn; }
    public void setCursorColumn(String cursorColumn) { this.cursorColumn = cursorColumn; }
    public List<String> getKeyColumns() { return keyColumns; }
    public void setKeyColumns(List<String> keyColumns) { this.keyColumns = keyColumns; }
    public String getSchedule() { return schedule; }
    public void setSchedule(String schedule) { this.schedule = schedule; }
    public String getTimeZone() { return timeZone; }
    public void setTimeZone(String timeZone) { this.timeZone = timeZone; }
    public String getLakePrefix() { return lakePrefix; }
    public void setLakePrefix(String lakePrefix) { this.lakePrefix = lakePrefix; }
    public String getWarehouseTable() { return warehouseTable; }
    public void setWarehouseTable(String warehouseTable) { this.warehouseTable = warehouseTable; }
    public java.time.Duration getFreshnessWarn() { return freshnessWarn; }
    public void setFreshnessWarn(java.time.Duration freshnessWarn) { this.freshnessWarn = freshnessWarn; }
    public java.time.Duration getFreshnessError() { return freshnessError; }
    public void setFreshnessError(java.time.Duration freshnessError) { this.freshnessError = freshnessError; }
    public String getQualitySuite() { return qualitySuite; }
    public void setQualitySuite(String qualitySuite) { this.qualitySuite = qualitySuite; }
    public long getMaxRowsPerRun() { return maxRowsPerRun; }
    public void setMaxRowsPerRun(long maxRowsPerRun) { this.maxRowsPerRun = maxRowsPerRun; }
    public Http getHttp() { return http; }
    public PipelinesProperties.Retry getRetry() { return retry; }
    public void setRetry(PipelinesProperties.Retry retry) { this.retry = retry; }

    /** How an HTTP source is paged, authenticated and waited for. */
    public static class Http {
        /** Field of the response body that holds the records; empty: the body is the array of records. */
        private String recordsField = "data";
        /** none, page (page number), offset, cursor (a token from the body) or link (Link: rel="next" header). */
        private String pagination = "none";
        /** page: query parameter of the page number, and the number of the first page. */
        private String pageParam = "page";
        private int firstPage = 1;
        /** offset: query parameter of the offset. */
        private String offsetParam = "offset";
        /** page and offset: query parameter of the page size, and the size asked for (the read ends at an empty page). */
        private String sizeParam = "size";
        private int pageSize = 100;
        /** cursor: query parameter that carries the token, and the body field that holds the next one (empty or null: last page). */
        private String cursorParam = "cursor";
        private String nextCursorField = "next_cursor";
        /** none, bearer (Authorization: Bearer <token>) or api-key (<api-key-header>: <token>). */
        private String auth = "none";
        /** The token or API key; from the environment, never logged. */
        private String token = "";
        /** api-key: header that carries the key. */
        private String apiKeyHeader = "X-API-Key";
        /** Longest wait for a connection and for a response. */
        private Duration timeout = Duration.ofSeconds(30);
        /** A 429 is waited out for its Retry-After (at most this long each), at most max-throttled-waits times per run. */
        private Duration maxRetryAfter = Duration.ofSeconds(60);
        private int maxThrottledWaits = 5;
        /** Most pages one run reads (a guard against an API that never ends). */
        private int maxPages = 10_000;
        /** Largest page body read (a page beyond it fails the run, naming the cap): a page is held in memory while it is read. */
        private DataSize maxPageSize = DataSize.ofMegabytes(32);
        /** Most records one run reads; more fail the run, naming the cap (an API's order is not the cursor's, so a run cannot stop halfway). */
        private long maxRecords = 10_000_000;
        /** Most distinct fields the records of one run may have, each a column of staging (PostgreSQL takes at most 1,600). */
        private int maxFields = 500;
        /**
         * Hosts a redirect or a next-page link may lead to although they are loopback, private or link-local
         * addresses (the source's own host is always allowed). Any other such host is refused: an API cannot send
         * the service to its own network.
         */
        private List<String> allowedHosts = new ArrayList<>();

        public String getRecordsField() { return recordsField; }
        public void setRecordsField(String recordsField) { this.recordsField = recordsField; }
        public String getPagination() { return pagination; }
        public void setPagination(String pagination) { this.pagination = pagination; }
        public String getPageParam() { return pageParam; }
        public void setPageParam(String pageParam) { this.pageParam = pageParam; }
        public int getFirstPage() { return firstPage; }
        public void setFirstPage(int firstPage) { this.firstPage = firstPage; }
        public String getOffsetParam() { return offsetParam; }
        public void setOffsetParam(String offsetParam) { this.offsetParam = offsetParam; }
        public String getSizeParam() { return sizeParam; }
        public void setSizeParam(String sizeParam) { this.sizeParam = sizeParam; }
        public int getPageSize() { return pageSize; }
        public void setPageSize(int pageSize) { this.pageSize = pageSize; }
        public String getCursorParam() { return cursorParam; }
        public void setCursorParam(String cursorParam) { this.cursorParam = cursorParam; }
        public String getNextCursorField() { return nextCursorField; }
        public void setNextCursorField(String nextCursorField) { this.nextCursorField = nextCursorField; }
        public String getAuth() { return auth; }
        public void setAuth(String auth) { this.auth = auth; }
        public String getToken() { return token; }
        public void setToken(String token) { this.token = token; }
        public String getApiKeyHeader() { return apiKeyHeader; }
        public void setApiKeyHeader(String apiKeyHeader) { this.apiKeyHeader = apiKeyHeader; }
        public Duration getTimeout() { return timeout; }
        public void setTimeout(Duration timeout) { this.timeout = timeout; }
        public Duration getMaxRetryAfter() { return maxRetryAfter; }
        public void setMaxRetryAfter(Duration maxRetryAfter) { this.maxRetryAfter = maxRetryAfter; }
        public int getMaxThrottledWaits() { return maxThrottledWaits; }
        public void setMaxThrottledWaits(int maxThrottledWaits) { this.maxThrottledWaits = maxThrottledWaits; }
        public int getMaxPages() { return maxPages; }
        public void setMaxPages(int maxPages) { this.maxPages = maxPages; }
        public DataSize getMaxPageSize() { return maxPageSize; }
        public void setMaxPageSize(DataSize maxPageSize) { this.maxPageSize = maxPageSize; }
        public long getMaxRecords() { return maxRecords; }
        public void setMaxRecords(long maxRecords) { this.maxRecords = maxRecords; }
        public int getMaxFields() { return maxFields; }
        public void setMaxFields(int maxFields) { this.maxFields = maxFields; }
        public List<String> getAllowedHosts() { return allowedHosts; }
        public void setAllowedHosts(List<String> allowedHosts) { this.allowedHosts = allowedHosts; }
    }
}
