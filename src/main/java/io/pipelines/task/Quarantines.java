package io.pipelines.task;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.springframework.stereotype.Component;

import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;
import io.pipelines.quality.Expectation;
import io.pipelines.quality.QualitySuiteParser;
import io.pipelines.quality.SuiteRun;
import io.pipelines.run.BatchPipeline;
import io.pipelines.run.Step;
import io.pipelines.warehouse.QuarantiningLoad;
import io.pipelines.warehouse.TableLoad;

/**
 * Where a check step says {@code quarantine: true}, the load of the same extract holds back the rows
 * that break the suite on their own ({@link SuiteRun#rowRules}) into quarantine.&lt;table&gt;; in the
 * extract's pass as in the load step.
 */
@Component
public class Quarantines {

    private final QualitySuiteParser parser;
    private final Path spoolDir;

    public Quarantines(QualitySuiteParser parser, PipelinesProperties properties) {
        this.parser = parser;
        this.spoolDir = properties.getLake().getSpoolDir();
    }

    /**
     * The quarantine table of a pipeline: quarantine.&lt;table&gt; of its replace-date load whose extract's
     * check says quarantine: true; empty when the pipeline holds no rows back.
     */
    public static Optional<String> tableOf(BatchPipeline pipeline) {
        return pipeline.steps().stream()
                .filter(s -> s.block().equals("warehouse-load") && !s.text("mode").equals("upsert"))
                .filter(s -> checkOf(pipeline, s.text("extract")).map(c -> c.flag("quarantine")).orElse(false))
                .map(s -> QuarantiningLoad.tableOf(s.text("table"))).findFirst();
    }

    /** The check step of the pipeline that reads extract {@code extract}'s rows, if any. */
    static Optional<Step> checkOf(BatchPipeline pipeline, String extract) {
        return pipeline.steps().stream()
                .filter(s -> s.block().equals("quality-check") && s.text("extract").equals(extract)).findFirst();
    }

    /** {@code load}, or when {@code check} quarantines, {@code load} holding back the rows its suite's rules break. */
    TableLoad wrap(Step check, String pipeline, LocalDate date, long runId, Schema schema, TableLoad load) {
        return check == null ? load : wrap(check.text("suite"), check.flag("quarantine"), pipeline, date, runId, schema, load);
    }

    /** {@code load}, or with {@code quarantine}, {@code load} holding back the rows that break {@code suite}'s rules. */
    TableLoad wrap(String suite, boolean quarantine, String pipeline, LocalDate date, long runId, Schema schema, TableLoad load) {
        if (!quarantine) {
            return load;
        }
        SuiteRun rules = SuiteRun.rowRules(parser.parse(ProjectFiles.path(suite)), schema, spoolDir);
        return new QuarantiningLoad(load, pipeline, date, runId, new QuarantiningLoad.Rules() {
            @Override
            public List<String> broken(GenericRecord row) {
                List<Expectation> broken = rules.accept(row);
                return broken.isEmpty() ? List.of() : broken.stream().filter(e -> !Expectation.WARNING.equals(e.severity()))
                        .map(Expectation::label).toList();
            }

            @Override
            public void close() {
                rules.close();
            }
        }, spoolDir);
    }
}
