package dev.apns.benchmarks.pushy;

/** A client under measurement: sends rounds of the {@link Workload}. */
interface ThroughputClient extends AutoCloseable {
    /** A short name for the printed lines. */
    String name();

    /**
     * Sends {@code count} notifications from this thread and waits until every one has its answer.
     *
     * @return the nanoseconds from the first send to the last answer
     * @throws IllegalStateException when any was not accepted or the answers did not all come within 10 minutes
     */
    long round(long count) throws Exception;

    @Override
    void close() throws Exception;
}
