package dev.apns.benchmarks;

import dev.apns.DeviceToken;
import dev.apns.Payload;
import dev.apns.protocol.binary.ErrorResponse;
import dev.apns.protocol.binary.ErrorResponseDecoder;
import dev.apns.protocol.binary.NotificationEncoder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The sans-IO codecs: command-2 frames encoded per second (a 32-byte token and a shared ~100-byte
 * payload), and error responses decoded per second. Run with {@code -prof gc} to see bytes allocated per
 * operation (the goal: none for encoding when the payload is shared).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private DeviceToken token;
    private Payload payload;
    private byte[] payloadBytes;
    private ByteBuffer buffer;
    private ByteBuffer errorResponse;
    private ErrorResponseDecoder decoder;
    private long identifier;

    @Setup
    public void setUp() {
        token = DeviceToken.fromHex("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");
        payload = Payload.ofJson(Payloads.realistic());
        payloadBytes = payload.toBytes();
        buffer = ByteBuffer.allocateDirect(64 * 1024);
        errorResponse = ByteBuffer.wrap(new ErrorResponse(dev.apns.Status.of(8), 1234).toBytes());
    }

    @Benchmark
    public int encodeFrameFromPayload() {
        if (buffer.remaining() < 512) {
            buffer.clear();
        }
        NotificationEncoder.writeFrame(buffer, ++identifier, token, payload, 0, 10);
        return buffer.position();
    }

    @Benchmark
    public int encodeFrameFromBytes() {
        if (buffer.remaining() < 512) {
            buffer.clear();
        }
        NotificationEncoder.writeFrame(buffer, ++identifier, token, payloadBytes, 0, 10);
        return buffer.position();
    }

    @Benchmark
    public void decodeErrorResponse(Blackhole blackhole) {
        if (decoder == null) {
            decoder = new ErrorResponseDecoder(blackhole::consume);
        }
        errorResponse.rewind();
        decoder.decode(errorResponse);
    }
}
