package io.pipelines.stream;

import java.time.Clock;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.pipelines.config.PipelinesProperties;

/** The stream route's parsing step: each record of a micro-batch read by its stream's declared schema. */
@Component("streamParser")
public class StreamParser {

    private final RecordParser parser;

    public StreamParser(ObjectMapper json, StreamDeclarations declarations, PipelinesProperties properties) {
        this.parser = new RecordParser(declarations.get(properties.getStream().getName()).record(), json,
                properties.getStream().getMaxClockSkew(), Clock.systemUTC());
    }

    /** The same records, each with its event or the reason it cannot be one. */
    public MicroBatch parseBatch(MicroBatch batch) {
        return parser.parseBatch(batch);
    }
}
