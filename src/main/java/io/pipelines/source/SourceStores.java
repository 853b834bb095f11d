package io.pipelines.source;

import org.springframework.stereotype.Component;

import io.pipelines.warehouse.StagingSchema;

/** What a source's load writes besides its staging table: the watermark, the schema versions, the lineage. */
@Component
record SourceStores(WatermarkStore watermarks, SchemaVersions schemaVersions, StagingSchema stagingSchema,
                    LineageStore lineage) {
}
