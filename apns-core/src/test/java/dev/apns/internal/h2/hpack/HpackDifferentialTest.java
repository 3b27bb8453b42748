package dev.apns.internal.h2.hpack;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Our encoder against Netty's and Jetty's decoders, and their encoders against our decoder: seeded random header
 * lists over a sequence of blocks on one connection (the dynamic table carried from block to block), with the
 * table size changed now and then as SETTINGS_HEADER_TABLE_SIZE would change it.
 */
class HpackDifferentialTest {
    private static final int BLOCKS = 300;
    private static final int MAX_LIST = 1 << 20;

    private static int maybeNewTableSize(RandomHeaders random, int block) {
        return block > 0 && random.nextInt(25) == 0
                ? RandomHeaders.TABLE_SIZES[random.nextInt(RandomHeaders.TABLE_SIZES.length)] : -1;
    }

    private static List<Header> fromNetty(Http2Headers headers) {
        List<Header> list = new ArrayList<>();
        for (Map.Entry<CharSequence, CharSequence> entry : headers) {
            list.add(new Header(entry.getKey().toString(), entry.getValue().toString()));
        }
        return list;
    }

    private static List<Header> fromJetty(MetaData metaData) {
        List<Header> list = new ArrayList<>();
        for (HttpField field : metaData.getHttpFields()) {
            list.add(new Header(field.getName(), field.getValue()));
        }
        return list;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 11, 12, 13})
    void ourEncoderToNettysDecoder(long seed) throws Exception {
        RandomHeaders random = new RandomHeaders(seed);
        // Seeds from 11: literals that stay out of the table are sent raw, as the engine's encoder does.
        HpackEncoder encoder = new HpackEncoder((name, value) -> Indexing.values()[Math.floorMod(
                name.hashCode() ^ value.length(), 3)], seed < 11);
        DefaultHttp2HeadersDecoder netty = new DefaultHttp2HeadersDecoder(false, MAX_LIST);
        ByteSink sink = new ByteSink();
        for (int block = 0; block < BLOCKS; block++) {
            int size = maybeNewTableSize(random, block);
            if (size >= 0) {
                encoder.setMaxTableSize(size);
                netty.configuration().maxHeaderTableSize(size);
            }
            List<Header> headers = random.next(true);
            sink.clear();
            encoder.encode(headers, sink);
            ByteBuf buf = Unpooled.wrappedBuffer(sink.toByteArray());
            assertThat(fromNetty(netty.decodeHeaders(1, buf))).as("seed %d block %d", seed, block).isEqualTo(headers);
            assertThat(buf.readableBytes()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {4, 5, 6})
    void nettysEncoderToOurDecoder(long seed) throws Exception {
        RandomHeaders random = new RandomHeaders(seed);
        DefaultHttp2HeadersEncoder netty = new DefaultHttp2HeadersEncoder(
                (name, value) -> (name.length() + value.length()) % 5 == 0, true);
        HpackDecoder decoder = new HpackDecoder(4096, MAX_LIST);
        for (int block = 0; block < BLOCKS; block++) {
            int size = maybeNewTableSize(random, block);
            if (size >= 0) {
                netty.configuration().maxHeaderTableSize(size);
                decoder.setMaxTableSize(size);
            }
            List<Header> headers = random.next(true);
            Http2Headers nettyHeaders = new DefaultHttp2Headers(false);
            for (Header header : headers) {
                nettyHeaders.add(header.name(), header.value());
            }
            ByteBuf buf = Unpooled.buffer();
            netty.encodeHeaders(1, nettyHeaders, buf);
            assertThat(decoder.decode(buf.nioBuffer())).as("seed %d block %d", seed, block).isEqualTo(headers);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {7, 8, 9, 17, 18, 19})
    void ourEncoderToJettysDecoder(long seed) throws Exception {
        RandomHeaders random = new RandomHeaders(seed);
        // Seeds from 17: literals that stay out of the table are sent raw, as the engine's encoder does.
        HpackEncoder encoder = new HpackEncoder(IndexingPolicy.apple(), seed < 17);
        org.eclipse.jetty.http2.hpack.HpackDecoder jetty = new org.eclipse.jetty.http2.hpack.HpackDecoder(MAX_LIST,
                System::nanoTime);
        ByteSink sink = new ByteSink();
        for (int block = 0; block < BLOCKS; block++) {
            int size = maybeNewTableSize(random, block);
            if (size >= 0) {
                encoder.setMaxTableSize(size);
                jetty.setMaxTableCapacity(size);
            }
            // Jetty's decoder builds request or response metadata from pseudo-headers and checks them as HTTP
            // semantics; plain fields (as in trailers) compare one to one.
            List<Header> headers = random.next(false);
            sink.clear();
            encoder.encode(headers, sink);
            MetaData decoded = jetty.decode(ByteBuffer.wrap(sink.toByteArray()));
            assertThat(fromJetty(decoded)).as("seed %d block %d", seed, block).isEqualTo(headers);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {10, 11, 12})
    void jettysEncoderToOurDecoder(long seed) throws Exception {
        RandomHeaders random = new RandomHeaders(seed);
        org.eclipse.jetty.http2.hpack.HpackEncoder jetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(4096, MAX_LIST);
        for (int block = 0; block < BLOCKS; block++) {
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            int size = maybeNewTableSize(random, block);
            if (size >= 0) {
                jetty.setMaxTableCapacity(size);
                jetty.setTableCapacity(size);
                jetty.encodeMaxDynamicTableSize(buffer, size);
                decoder.setMaxTableSize(size);
            }
            List<Header> headers = random.next(true);
            for (Header header : headers) {
                jetty.encode(buffer, new HttpField(header.name(), header.value()));
            }
            buffer.flip();
            assertThat(decoder.decode(buffer)).as("seed %d block %d", seed, block).isEqualTo(headers);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {13})
    void jettysWholeBlockEncoderToOurDecoder(long seed) throws Exception {
        RandomHeaders random = new RandomHeaders(seed);
        org.eclipse.jetty.http2.hpack.HpackEncoder jetty = new org.eclipse.jetty.http2.hpack.HpackEncoder();
        HpackDecoder decoder = new HpackDecoder(4096, MAX_LIST);
        for (int block = 0; block < BLOCKS; block++) {
            List<Header> headers = random.next(false);
            HttpFields.Mutable fields = HttpFields.build();
            for (Header header : headers) {
                fields.add(header.name(), header.value());
            }
            ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
            jetty.encode(buffer, new MetaData(HttpVersion.HTTP_2, fields));
            buffer.flip();
            assertThat(decoder.decode(buffer)).as("seed %d block %d", seed, block).isEqualTo(headers);
        }
    }
}
