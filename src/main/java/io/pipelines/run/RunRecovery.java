package io.pipelines.run;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.pipelines.cluster.InstanceLease;
import io.pipelines.config.PipelinesProperties;

/**
 * Takes over the runs that a dead instance left QUEUED or RUNNING (killed, crashed, or stopped
 * with runs still queued; on one machine, the service's own earlier process) once that
 * instance's lease has expired, and resumes each from the task it was in: the tasks it finished
 * are not done again, and the one it was in is done again from its start (every task is
 * idempotent). A run orphaned more than pipelines.cluster.max-recoveries times is failed with the
 * reason instead: something kills the service under it, and resuming it again would do the same.
 * Called by the route run-recovery (routes/run-recovery.camel.yaml).
 */
@Component("runRecovery")
public class RunRecovery {

    private static final Logger log = LoggerFactory.getLogger(RunRecovery.class);
    /** Instances silent for this long are removed from etl.instances. */
    private static final Duration FORGET_AFTER = Duration.ofDays(1);

    private final RunLedger ledger;
    private final RunLauncher launcher;
    private final PipelineCatalog catalog;
    private final InstanceLease lease;
    private final PipelineMetrics metrics;
    private final int maxRecoveries;

    public RunRecovery(RunLedger ledger, RunLauncher launcher, PipelineCatalog catalog, InstanceLease lease,
                       PipelineMetrics metrics, PipelinesProperties properties) {
        this.ledger = ledger;
        this.launcher = launcher;
        this.catalog = catalog;
        this.lease = lease;
        this.metrics = metrics;
        this.maxRecoveries = properties.getCluster().getMaxRecoveries();
    }

    /**
     * One sweep: takes over the orphaned runs of the pipelines this instance has; returns how many.
     * Nothing is taken while this instance's own lease is not steady (see InstanceLease#isSteady).
     */
    public int sweep() {
        if (!lease.isSteady()) {
            log.debug("No take-over: the lease of {} has not been renewed for a whole lease period yet", lease.id());
            return 0;
        }
        List<RunLedger.Orphan> orphans = ledger.claimOrphans(catalog.names());
        for (RunLedger.Orphan run : orphans) {
            try {
                takeOver(run);
            } catch (RuntimeException e) {
                // The others are still handed on; this one is QUEUED and owned here: fail it, so that it can be resumed.
                log.error("{} run {} for {}: taken over but not resumed: {}", run.pipeline(), run.runId(),
                        run.logicalDate(), e.getMessage());
                metrics.runTakenOver(run.pipeline(), "failed");
                failQuietly(run, "Taken over from a dead instance but not resumed: " + e.getMessage());
            }
        }
        int forgotten = ledger.forgetDeadInstances(FORGET_AFTER);
        if (forgotten > 0) {
            log.info("Forgot {} instance(s) silent for more than {}", forgotten, FORGET_AFTER);
        }
        return orphans.size();
    }

    private void takeOver(RunLedger.Orphan run) {
        String from = run.previousOwner() == null ? "no instance" : "instance " + run.previousOwner();
        if (run.recoveries() > maxRecoveries) {
            String reason = "Orphaned " + run.recoveries() + " times (the service stopped under it each time, last "
                    + from + "); not resumed again: resume it by hand once the cause is known";
            ledger.closeOpenTasks(run.runId(), RunStatus.FAILED, "interrupted: " + from + " stopped under it");
            ledger.finish(run.runId(), RunStatus.FAILED, reason);
            log.error("{} run {} for {}: FAILED: {}", run.pipeline(), run.runId(), run.logicalDate(), reason);
            metrics.runTakenOver(run.pipeline(), "failed");
            return;
        }
        ledger.closeOpenTasks(run.runId(), RunStatus.FAILED, "interrupted: " + from
                + " stopped under it; taken over by " + lease.id());
        log.warn("{} run {} for {}: orphaned by {} (lease expired); taken over by {} and resumed "
                        + "(take-over {} of at most {})", run.pipeline(), run.runId(), run.logicalDate(), from,
                lease.id(), run.recoveries(), maxRecoveries);
        launcher.dispatchRecovered(run);
        metrics.runTakenOver(run.pipeline(), "resumed");
    }

    private void failQuietly(RunLedger.Orphan run, String reason) {
        try {
            ledger.finish(run.runId(), RunStatus.FAILED, reason);
        } catch (RuntimeException e) {
            log.error("{} run {}: could not be marked FAILED either ({}); it stays QUEUED, owned by {}, until this "
                    + "instance stops", run.pipeline(), run.runId(), e.getMessage(), lease.id());
        }
    }
}
