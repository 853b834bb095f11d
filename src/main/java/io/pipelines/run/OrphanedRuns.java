package io.pipelines.run;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import jakarta.annotation.PostConstruct;

/**
 * At start-up, before any run is taken, fails the runs an earlier process left QUEUED or RUNNING
 * (it stopped or crashed under them), so that none stays RUNNING forever; they can be run again.
 */
@Component
public class OrphanedRuns {

    private static final Logger log = LoggerFactory.getLogger(OrphanedRuns.class);
    static final String REASON = "Orphaned: the service stopped before the run finished; trigger it again";

    private final RunLedger ledger;

    public OrphanedRuns(RunLedger ledger) {
        this.ledger = ledger;
    }

    @PostConstruct
    void failOrphans() {
        int failed = ledger.failOrphans(REASON);
        if (failed > 0) {
            log.warn("{} run(s) left QUEUED or RUNNING by an earlier process were marked FAILED: trigger them again", failed);
        }
    }
}
