package io.pipelines.config;

import io.pipelines.config.SourceSettings;

/**
 * A checked entry of {@code pipelines.sources}, with its defaults resolved.
 *
 * @param cron         the schedule as a Quartz cron (shorthands such as @daily expanded)
 * @param stagingTable schema.table of the staging table
 */
public record SourceDefinition(String name, String type, SourceSettings settings, String cron, String stagingTable,
                               String lakePrefix) {

    public boolean isJdbc() {
        return "jdbc".equals(type);
    }

    /** What the rows are read from: the connection and table, or the API's URL (no credentials in either). */
    public String origin() {
        return isJdbc() ? settings.getConnection() + ":" + settings.getTable() : settings.getUrl() + settings.getEndpoint();
    }
}
