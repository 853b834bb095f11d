package io.pipelines.api;

/**
 * JMX operations of the stream (io.pipelines:type=Stream,name=<stream>), for Hawtio and JConsole;
 * suspending and resuming it are the operations of its Camel route.
 */
public interface StreamControlMBean {

    String getName();

    /** started, suspended or stopped: the state of the stream's consumers in this instance. */
    String getState();

    /** Folds late events (ids separated by commas) into their windows, each once; says which were folded. */
    String foldLateEvents(String eventIds);
}
