package dev.apns.mock.binary;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One accepted TCP connection of the mock server and the thread that serves it: refusal or stalling as
 * scripted, the TLS handshake, then the listener-specific {@link #serve()}. Closing the raw socket from
 * another thread ({@link #forceClose()}) ends whatever the thread is blocked in.
 */
abstract class ServerConnection implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ServerConnection.class);
    /** How long a client may take over its part of the handshake. */
    static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

    final MockApnsServer server;
    private final ConnectionLifecycle lifecycle;
    final Socket raw;
    final String name;
    SSLSocket tls;
    /** Per listener, from 1 in the order of TCP accepts over the server's lifetime; guarded by the server's lock. */
    int number;
    /** Guarded by the server's lock: the handshake completed and the server counted the connection. */
    boolean opened;
    /** Guarded by the server's lock: closed by the server ({@code disconnectAll} or close); stop quietly. */
    boolean forced;

    ServerConnection(MockApnsServer server, Socket raw, String name) {
        this.server = server;
        this.lifecycle = server.lifecycle();
        this.raw = raw;
        this.name = name;
    }

    abstract boolean isGateway();

    /** Serves the connection after a successful handshake; returns or throws when it is over. */
    abstract void serve() throws IOException;

    @Override
    public final void run() {
        try {
            if (handshake() && lifecycle.opened(this, clientSubject())) {
                serve();
            }
        } catch (IOException e) {
            if (lifecycle.wasForced(this)) {
                log.debug("{}: closed by the server", name);
            } else {
                log.debug("{}: connection ended: {}", name, e.toString());
            }
        } catch (RuntimeException e) {
            log.error("{}: the mock server failed while serving this connection; closing it", name, e);
        } finally {
            closeRaw();
            lifecycle.connectionFinished(this);
        }
    }

    private boolean handshake() {
        if (lifecycle.refusesHandshake()) {
            log.debug("{}: refusing the handshake as scripted", name);
            return false;
        }
        if (!lifecycle.awaitHandshakeAllowed(this)) {
            log.debug("{}: stalled handshake ended by reset or close", name);
            return false;
        }
        try {
            SSLSocketFactory factory = server.socketFactory();
            tls = (SSLSocket) factory.createSocket(raw, null, true);
            tls.setUseClientMode(false);
            tls.setEnabledProtocols(server.protocols());
            tls.setNeedClientAuth(server.requiresClientCertificate());
            tls.setSoTimeout(HANDSHAKE_TIMEOUT_MILLIS);
            tls.startHandshake();
            tls.setSoTimeout(0);
            return true;
        } catch (IOException e) {
            lifecycle.handshakeFailed(this, e);
            return false;
        }
    }

    private String clientSubject() {
        try {
            Certificate[] chain = tls.getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                return certificate.getSubjectX500Principal().getName();
            }
            return null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // the client presented no certificate, which is allowed when none is required
        }
    }

    /** Closes the TCP socket without a TLS close_notify; never blocks. */
    final void closeRaw() {
        try {
            raw.close();
        } catch (IOException e) {
            log.debug("{}: closing the socket failed: {}", name, e.toString());
        }
    }

    /** Closes abruptly: a TCP reset, no close_notify, unsent data dropped. */
    final void abort() {
        try {
            raw.setSoLinger(true, 0);
        } catch (IOException e) {
            log.debug("{}: could not arrange a reset: {}", name, e.toString());
        }
        closeRaw();
    }

    /** Called with the server's lock held: ends the connection from another thread. */
    final void forceClose() {
        forced = true;
        closeRaw();
    }

    @Override
    public String toString() {
        return name;
    }
}
