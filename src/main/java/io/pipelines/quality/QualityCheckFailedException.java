package io.pipelines.quality;

import java.util.List;
import java.util.stream.Collectors;
import io.pipelines.util.NotRetried;

/** The landed data broke one or more expectations of its suite: nothing of it may be loaded. */
public class QualityCheckFailedException extends RuntimeException implements NotRetried {

    private final List<ExpectationResult> failed;

    public QualityCheckFailedException(String suite, List<ExpectationResult> failed) {
        super("Quality suite " + suite + " failed " + failed.size() + " expectation(s): "
                + failed.stream().map(ExpectationResult::summary).collect(Collectors.joining("; ")));
        this.failed = List.copyOf(failed);
    }

    public List<ExpectationResult> failed() {
        return failed;
    }
}
