package io.pipelines.run;

/**
 * The bean that does the work of a building block's steps (the bean its Kamelet calls), and
 * knows what makes a step's parameters right beyond their types.
 */
public interface BlockTask {

    /** The blocks (kamelets/<block>.kamelet.yaml) whose steps this bean does. */
    java.util.Set<String> blocks();

    /**
     * Checks a step at start-up (its connection, SQL, suite, the steps it names); throws with
     * {@link Step#wrong} naming the parameter.
     */
    void check(Step step, BatchPipeline pipeline);
}
