package io.pipelines.stream;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.pipelines.config.PipelinesProperties;
import io.pipelines.config.ProjectFiles;
import io.pipelines.lake.Lake;
import io.pipelines.quality.QualitySuite;
import io.pipelines.quality.QualitySuiteException;
import io.pipelines.quality.QualitySuiteParser;

/**
 * The declared streams of this service ({@link StreamDeclarations}), each with its own parts
 * ({@link DeclaredStream}); what every stream shares comes from pipelines.stream. A stream runs
 * when a route starts from {@code pipelines-stream:<stream>}. The stream routes' steps call this
 * bean, which hands each micro-batch to the parts of its stream.
 */
@Component("streams")
public class Streams implements DisposableBean {

    private final Map<String, DeclaredStream> byName = new LinkedHashMap<>();
    private final String where;

    public Streams(StreamDeclarations declarations, PipelinesProperties properties, MeterRegistry registry, Lake lake,
                   JdbcTemplate jdbc, DataSource warehouse, TransactionTemplate tx, ObjectMapper json,
                   QualitySuiteParser suites) {
        PipelinesProperties.Stream settings = properties.getStream();
        this.where = declarations.where();
        for (StreamDeclaration d : declarations.all()) {
            StreamMetrics metrics = new StreamMetrics(registry, d.name());
            StreamLake streamLake = new StreamLake(lake, jdbc, d, properties.getLake().getSpoolDir());
            StreamWarehouse load = new StreamWarehouse(warehouse, tx, streamLake, metrics, d);
            StreamStore store = new StreamStore(streamLake, load, new PoisonRecords(load), metrics, d.name());
            DeadLetters deadLetters = new DeadLetters(d.source().deadLetterTopic());
            StreamQuality quality = d.suite() == null ? null : new StreamQuality(d, suite(suites, d),
                    StreamLake.schema(d), properties.getLake().getSpoolDir(), registry);
            byName.put(d.name(), new DeclaredStream(d,
                    new RecordParser(d.record(), json, settings.getMaxClockSkew(), Clock.systemUTC()), quality, metrics, streamLake,
                    load, store, new LateEvents(jdbc, metrics, d), deadLetters,
                    new StreamConsumers(d, settings, streamLake, metrics, deadLetters)));
        }
    }

    /** The stream's quality suite, read and checked; a mistake in it names the stream's file too. */
    private static QualitySuite suite(QualitySuiteParser suites, StreamDeclaration d) {
        try {
            return suites.parse(ProjectFiles.path(d.suite()));
        } catch (QualitySuiteException e) {
            throw new StreamDeclarationException(d.file(), 0, "quality.suite: " + e.getMessage());
        }
    }

    /** The stream of this name; an error naming the declared ones when there is none. */
    public DeclaredStream get(String name) {
        DeclaredStream s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException(notDeclared(name));
        }
        return s;
    }

    /** Says that no stream of this name is declared, where they are, and which are. */
    String notDeclared(String name) {
        return "no stream named '" + name + "' is declared in " + where + " (declared: " + String.join(", ", byName.keySet()) + ")";
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    public List<DeclaredStream> all() {
        return List.copyOf(byName.values());
    }

    /**
     * The route's parsing step: each record of the batch read by its stream's declared schema, then
     * checked against its quality suite when it declares one.
     */
    public MicroBatch parse(MicroBatch batch) {
        DeclaredStream s = get(batch.stream());
        MicroBatch parsed = s.parser().parseBatch(batch);
        return s.quality() == null ? parsed : s.quality().check(parsed, s.lake()::record);
    }

    /** The route's store step: the batch landed and loaded by its stream's store (see {@link StreamStore}). */
    public MicroBatch landAndLoad(MicroBatch batch) throws Exception {
        return get(batch.stream()).store().landAndLoad(batch);
    }

    @Override
    public void destroy() {
        byName.values().forEach(s -> s.store().destroy());
        byName.values().stream().filter(s -> s.quality() != null).forEach(s -> s.quality().close());
    }
}
