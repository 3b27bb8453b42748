package dev.apns.protocol.binary;

import dev.apns.DeviceToken;

import org.junit.jupiter.api.Test;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationEncoderTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String TOKEN_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private static final byte[] TOKEN = HEX.parseHex(TOKEN_HEX);
    private static final byte[] PAYLOAD = "{\"aps\":{}}".getBytes(StandardCharsets.UTF_8);

    private static String encode(java.util.function.Consumer<ByteBuffer> writer) {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        writer.accept(buffer);
        buffer.flip();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return HEX.formatHex(bytes);
    }

    @Test
    void frameWithAllItemsIsWrittenByteForByte() {
        String hex = encode(b -> NotificationEncoder.writeFrame(b, 0x01020304L, TOKEN, PAYLOAD, 0x5f5e0ff0L, 10));
        // frame length = (3 + 32) + (3 + 10) + (3 + 4) + (3 + 4) + (3 + 1) = 66 = 0x42
        String expected = "02" + "00000042"
                + "01" + "0020" + TOKEN_HEX             // token item
                + "02" + "000a" + HEX.formatHex(PAYLOAD) // payload item
                + "03" + "0004" + "01020304"            // identifier
                + "04" + "0004" + "5f5e0ff0"            // expiry
                + "05" + "0001" + "0a";                 // priority
        assertThat(hex).isEqualTo(expected);
    }

    @Test
    void frameWithA32ByteTokenIs61BytesPlusPayloadAsTheProtocolPageSays() {
        int payloadLength = 100;
        int size = NotificationEncoder.frameSize(32, payloadLength, true, true);
        assertThat(size).isEqualTo(61 + payloadLength);
        ByteBuffer buffer = ByteBuffer.allocate(size);
        NotificationEncoder.writeFrame(buffer, 1, TOKEN, new byte[payloadLength], 0, 10);
        assertThat(buffer.remaining()).isZero();
        assertThat(buffer.getInt(1)).isEqualTo(56 + payloadLength);
    }

    @Test
    void optionalItemsAreLeftOutWhenNotSet() {
        String hex = encode(b -> NotificationEncoder.writeFrame(b, 7, TOKEN, PAYLOAD, NotificationEncoder.NO_EXPIRY,
                NotificationEncoder.NO_PRIORITY));
        int frameLength = (3 + 32) + (3 + 10) + (3 + 4);
        assertThat(hex).isEqualTo("02" + String.format("%08x", frameLength) + "010020" + TOKEN_HEX + "02000a"
                + HEX.formatHex(PAYLOAD) + "03000400000007");
        assertThat(NotificationEncoder.frameSize(32, 10, false, false)).isEqualTo(5 + frameLength);
    }

    @Test
    void deviceTokenOverloadWritesTheSameBytesAsTheByteArrayOne() {
        DeviceToken token = DeviceToken.fromHex(TOKEN_HEX);
        String fromToken = encode(b -> NotificationEncoder.writeFrame(b, 42, token, PAYLOAD, 123, 5));
        String fromBytes = encode(b -> NotificationEncoder.writeFrame(b, 42, TOKEN, PAYLOAD, 123, 5));
        assertThat(fromToken).isEqualTo(fromBytes);
    }

    @Test
    void frameWithoutTokenIsTheSentinelShape() {
        String hex = encode(b -> NotificationEncoder.writeFrame(b, 9, (byte[]) null, PAYLOAD, NotificationEncoder.NO_EXPIRY,
                NotificationEncoder.NO_PRIORITY));
        assertThat(hex).isEqualTo("02" + String.format("%08x", 13 + 7) + "02000a" + HEX.formatHex(PAYLOAD) + "03000400000009");
    }

    @Test
    void identifiersAboveTwoToThe31AreWrittenUnsigned() {
        String hex = encode(b -> NotificationEncoder.writeEnhanced(b, 0xFFFFFFFEL, 0xFFFFFFFFL, TOKEN, PAYLOAD));
        assertThat(hex).isEqualTo("01" + "fffffffe" + "ffffffff" + "0020" + TOKEN_HEX + "000a" + HEX.formatHex(PAYLOAD));
        assertThat(hex.length() / 2).isEqualTo(NotificationEncoder.enhancedSize(32, PAYLOAD.length));
    }

    @Test
    void simpleNotificationIsWrittenByteForByte() {
        String hex = encode(b -> NotificationEncoder.writeSimple(b, TOKEN, PAYLOAD));
        assertThat(hex).isEqualTo("00" + "0020" + TOKEN_HEX + "000a" + HEX.formatHex(PAYLOAD));
        assertThat(hex.length() / 2).isEqualTo(NotificationEncoder.simpleSize(32, PAYLOAD.length));
    }

    @Test
    void aFullBufferIsLeftUntouched() {
        ByteBuffer small = ByteBuffer.allocate(50);
        small.put((byte) 7);
        assertThatThrownBy(() -> NotificationEncoder.writeFrame(small, 1, TOKEN, PAYLOAD, 0, 10))
                .isInstanceOf(BufferOverflowException.class);
        assertThat(small.position()).isEqualTo(1);
        assertThatThrownBy(() -> NotificationEncoder.writeEnhanced(small, 1, 0, TOKEN, PAYLOAD))
                .isInstanceOf(BufferOverflowException.class);
        assertThatThrownBy(() -> NotificationEncoder.writeSimple(ByteBuffer.allocate(10), TOKEN, PAYLOAD))
                .isInstanceOf(BufferOverflowException.class);
    }

    @Test
    void lengthsBeyondSixteenBitsAndBadPrioritiesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> NotificationEncoder.writeFrame(ByteBuffer.allocate(70_000), 1, TOKEN, new byte[65_536], 0, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload").hasMessageContaining("65536");
        assertThatThrownBy(() -> NotificationEncoder.writeFrame(ByteBuffer.allocate(100), 1, TOKEN, PAYLOAD, 0, 256))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("256");
    }
}
