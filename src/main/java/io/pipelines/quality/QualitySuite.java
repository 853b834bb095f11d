package io.pipelines.quality;

import java.util.List;

/** A parsed quality suite (Great Expectations JSON format). */
public record QualitySuite(String file, String name, List<Expectation> expectations) {
}
