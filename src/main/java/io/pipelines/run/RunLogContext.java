package io.pipelines.run;

import org.apache.camel.Exchange;
import org.slf4j.MDC;

/**
 * Tags the log lines of the current thread with the run and task it works on (SLF4J's MDC), so that
 * {@link TaskLogs} keeps them with the run. Set where a task starts, fails and is tried again (a retry runs
 * on Camel's redelivery thread), cleared where it ends.
 */
public final class RunLogContext {

    static final String RUN = "pipelines.run";
    static final String TASK = "pipelines.task";

    private RunLogContext() {
    }

    /** The run (task empty: the run's own lines) or a task of it. */
    public static void enter(long runId, String task) {
        MDC.put(RUN, Long.toString(runId));
        MDC.put(TASK, task == null ? "" : task);
    }

    /** From an exchange of a run, with the task it is in (if any); no run, no tag. */
    static void enter(Exchange exchange) {
        Long runId = exchange.getMessage().getHeader(RunHeaders.RUN_ID, Long.class);
        if (runId != null) {
            enter(runId, exchange.getProperty(RunRoutePolicies.CURRENT_TASK, String.class));
        }
    }

    /** Back to the run's own lines once a task is over. */
    static void leaveTask() {
        if (MDC.get(RUN) != null) {
            MDC.put(TASK, "");
        }
    }

    public static void leave() {
        MDC.remove(RUN);
        MDC.remove(TASK);
    }
}
