package dev.apns.internal.h2;

import dev.apns.internal.h2.ClientFrames.Frame;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** PING: answering the server's, timing ours, idle checks and the timeout. */
class Http2ClientEnginePingTest {

    private static final long MS = 1_000_000L;

    private static EngineTester tester() {
        return EngineTester.connected(Http2Options.builder().pingIdle(Duration.ofSeconds(60))
                .pingTimeout(Duration.ofSeconds(10)).build());
    }

    @Test
    void serverPingIsAnsweredWithTheSamePayload() {
        EngineTester t = tester();
        t.deliver(t.server.ping(false, 0x0102030405060708L).take());
        assertThat(t.output()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("PING");
            assertThat(f.ack()).isTrue();
            assertThat(f.ping()).isEqualTo(0x0102030405060708L);
        });
        assertThat(t.listener.pingRoundTrips).isEmpty();
    }

    @Test
    void ourPingMeasuresTheRoundTripByItsPayload() {
        EngineTester t = tester();
        assertThat(t.engine.ping(t.now)).isTrue();
        assertThat(t.engine.ping(t.now)).isFalse();
        List<Frame> out = t.output();
        assertThat(out).singleElement().satisfies(f -> assertThat(f.ack()).isFalse());
        long payload = out.get(0).ping();

        t.now += 7 * MS;
        t.deliver(t.server.ping(true, payload + 1).take());
        assertThat(t.listener.pingRoundTrips).isEmpty();
        t.deliver(t.server.ping(true, payload).take());
        assertThat(t.listener.pingRoundTrips).containsExactly(7 * MS);
        assertThat(t.engine.ping(t.now)).isTrue();
    }

    @Test
    void unansweredPingFailsTheConnectionAfterTheTimeout() {
        EngineTester t = tester();
        int id = t.post("{}");
        t.engine.ping(t.now);
        t.engine.onTime(t.now + 10_000 * MS - 1);
        assertThat(t.listener.connectionFailures).isEmpty();
        t.engine.onTime(t.now + 10_000 * MS);
        assertThat(t.listener.connectionFailures).singleElement().asString().contains("PING", "10000 ms");
        assertThat(t.engine.isClosed()).isTrue();
        assertThat(t.engine.canStartStream()).isFalse();
        assertThat(t.engine.abandon()).containsExactly("{}");
        assertThat(id).isEqualTo(1);
    }

    @Test
    void idleConnectionIsPingedAndInputPostponesIt() {
        EngineTester t = tester();
        long start = t.now;
        t.output();
        t.engine.onTime(start + 59_999 * MS);
        assertThat(t.engine.hasOutput()).isFalse();

        t.now = start + 30_000 * MS;
        t.deliver(t.server.ping(false, 1).take());
        t.output();
        t.engine.onTime(start + 60_000 * MS);
        assertThat(t.engine.hasOutput()).as("input 30 s ago: not idle yet").isFalse();

        t.engine.onTime(start + 90_000 * MS);
        List<Frame> out = t.output();
        assertThat(out).singleElement().satisfies(f -> assertThat(f.type()).isEqualTo("PING"));
        t.now = start + 90_020 * MS;
        t.deliver(t.server.ping(true, out.get(0).ping()).take());
        assertThat(t.listener.pingRoundTrips).containsExactly(20 * MS);
        t.engine.onTime(start + 100_000 * MS);
        assertThat(t.engine.hasOutput()).isFalse();
        assertThat(t.listener.connectionFailures).isEmpty();
    }

    @Test
    void idlePingsCanBeTurnedOff() {
        EngineTester t = EngineTester.connected(Http2Options.builder().pingIdle(Duration.ZERO).build());
        t.engine.onTime(t.now + Duration.ofDays(2).toNanos());
        assertThat(t.engine.hasOutput()).isFalse();
    }

    @Test
    void settingsNotAcknowledgedInTimeFailTheConnectionWithSettingsTimeout() {
        EngineTester t = new EngineTester(Http2Options.builder().pingTimeout(Duration.ofSeconds(10)).build());
        t.output();
        t.deliver(t.server.settings().take());
        t.output();
        t.engine.onTime(t.now + 10_000 * MS - 1);
        assertThat(t.listener.connectionFailures).isEmpty();
        t.engine.onTime(t.now + 10_000 * MS);
        assertThat(t.listener.connectionFailures).singleElement().asString().contains("SETTINGS", "10000 ms");
        assertThat(t.output()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("GOAWAY");
            assertThat(f.code()).isEqualTo(Http2ErrorCode.SETTINGS_TIMEOUT.code());
        });
        assertThat(t.engine.isClosed()).isTrue();
    }

    @Test
    void acknowledgedSettingsNeverTimeOut() {
        EngineTester t = tester();
        t.engine.onTime(t.now + Duration.ofSeconds(59).toNanos());
        assertThat(t.listener.connectionFailures).isEmpty();
        assertThat(t.engine.isClosed()).isFalse();
    }
}
