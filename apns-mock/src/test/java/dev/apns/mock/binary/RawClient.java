package dev.apns.mock.binary;

import dev.apns.Endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import static dev.apns.mock.binary.TestFrames.concat;

/**
 * A tiny raw TLS client of the binary mock, independent of the SDK's codecs (frames come from {@link TestFrames}).
 * Public for the tests of apns-testkit's extensions.
 */
public final class RawClient implements AutoCloseable {
    final SSLSocket socket;
    final InputStream in;
    private final OutputStream out;

    private RawClient(SSLSocket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and completes the TLS handshake within two seconds each; reads time out after two seconds. */
    public static RawClient connect(SSLContext context, Endpoint endpoint, String... protocols) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), 2000);
            socket.setSoTimeout(2000);
            socket.setSendBufferSize(64 * 1024);
            if (protocols.length > 0) {
                socket.setEnabledProtocols(protocols);
            }
            socket.startHandshake();
            return new RawClient(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Writes the parts back to back, then flushes. */
    public void write(byte[]... parts) throws IOException {
        out.write(concat(parts));
        out.flush();
    }

    /** Reads up to an error response's six bytes; fewer (maybe none) when the server closes first. */
    public byte[] readResponse() throws IOException {
        byte[] response = new byte[6];
        int filled = 0;
        try {
            while (filled < 6) {
                int read = in.read(response, filled, 6 - filled);
                if (read < 0) {
                    break;
                }
                filled += read;
            }
        } catch (IOException e) {
            if (e instanceof SocketTimeoutException) {
                throw e;
            }
            // A reset after the server closed: treat like the end of the stream.
        }
        return Arrays.copyOf(response, filled);
    }

    /** True when the server closed: end of stream or a reset, with no byte in between. */
    public boolean endsWithoutMoreBytes() throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
