package dev.apns;

import java.util.Map;

/**
 * A snapshot of an {@link ApnsSender}'s counters (since it was created) and gauges (now). Immutable.
 *
 * @param submitted notifications taken by submit or offer
 * @param written notifications written to a connection, resends included
 * @param accepted notifications that ended accepted
 * @param rejected notifications that ended rejected, by reason: a binary status code in decimal ({@code "8"}), an
 *     HTTP/2 reason string ({@code "Unregistered"})
 * @param unsent notifications that ended unsent
 * @param resent notifications written again after a rejection, a shutdown or a dead connection
 * @param duplicatesPossible notifications resent without knowing whether the server had them (a connection
 *     that died with no error response, or an error response naming no notification in flight): the
 *     server may have had them already (at-least-once)
 * @param pending notifications queued or in flight now
 * @param inFlight notifications written and not yet confirmed now
 * @param connectionsOpen connections open now
 * @param reconnects connections opened after the first one of each worker
 * @param retried notifications put aside to be sent again later after a server error (HTTP/2 5xx and
 *     TooManyRequests), each retry counted
 * @param roundTripNanos HTTP/2: the slowest of the connections' last PING round trips, in nanoseconds (measured at
 *     connect and every minute); -1 when none was measured (and always for the binary protocol)
 */
public record SenderMetrics(long submitted, long written, long accepted, Map<String, Long> rejected, long unsent,
                            long resent, long duplicatesPossible, long pending, long inFlight, int connectionsOpen,
                            long reconnects, long retried, long roundTripNanos) {
    public SenderMetrics {
        rejected = Map.copyOf(rejected);
    }

    /** All rejections, whatever the status. */
    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
}
