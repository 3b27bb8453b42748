package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Records every event an engine reports, in order, for assertions. */
final class RecordingListener implements Http2Listener {

    record Response(Object attachment, int status, List<Header> headers, byte[] body) {
        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        String header(String name) {
            return headers.stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
        }
    }

    record Failure(Object attachment, boolean processed, String why) {
    }

    record GoAway(int lastStreamId, long errorCode, String debugData) {
    }

    final List<Response> responses = new ArrayList<>();
    final List<Failure> failures = new ArrayList<>();
    final List<GoAway> goAways = new ArrayList<>();
    final List<Long> pingRoundTrips = new ArrayList<>();
    final List<Http2Settings> settings = new ArrayList<>();
    final List<String> connectionFailures = new ArrayList<>();
    /** Every event's kind in order: "response", "failure", "goaway", "ping", "settings", "connection". */
    final List<String> order = new ArrayList<>();

    @Override
    public void onResponse(Object attachment, int status, List<Header> headers, byte[] body) {
        responses.add(new Response(attachment, status, List.copyOf(headers), body));
        order.add("response");
    }

    @Override
    public void onStreamFailed(Object attachment, boolean processed, String why) {
        failures.add(new Failure(attachment, processed, why));
        order.add("failure");
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, String debugData) {
        goAways.add(new GoAway(lastStreamId, errorCode, debugData));
        order.add("goaway");
    }

    @Override
    public void onPingAcknowledged(long roundTripNanos) {
        pingRoundTrips.add(roundTripNanos);
        order.add("ping");
    }

    @Override
    public void onSettings(Http2Settings peerSettings) {
        settings.add(peerSettings);
        order.add("settings");
    }

    @Override
    public void onConnectionFailed(String why) {
        connectionFailures.add(why);
        order.add("connection");
    }
}
