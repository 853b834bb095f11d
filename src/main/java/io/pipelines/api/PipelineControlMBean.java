package io.pipelines.api;

/** JMX operations of one pipeline (io.pipelines:type=Pipeline,name=<pipeline>), for Hawtio and JConsole. */
public interface PipelineControlMBean {

    String getName();

    /** started, suspended or stopped: the state of the schedule. */
    String getState();

    /** Queues a run for a logical date (YYYY-MM-DD); returns the run id. */
    long trigger(String logicalDate);

    /** Queues one run per date from {@code from} to {@code to} (YYYY-MM-DD, both included); returns the run ids. */
    String backfill(String from, String to);

    /** Continues a FAILED run from the task that failed; returns what it resumed. */
    String resume(long runId);

    /** The dead letters of this pipeline not replayed yet, newest first (one line each). */
    String[] getDeadLetters();

    /** Runs the failed task of a dead letter again (its run resumes); replaying twice does no harm. */
    String replayDeadLetter(long id);

    /** Pauses the schedule (manual runs are still accepted). */
    void suspend() throws Exception;

    /** Resumes the schedule. */
    void resume() throws Exception;
}
