package dev.apns.internal;

import dev.apns.Credentials;
import dev.apns.Feedback;
import dev.apns.Message;
import dev.apns.Result;
import dev.apns.spi.Backend;

import java.time.Duration;

/** The machinery behind {@code ApnsSession}. */
public final class SessionEngine {
    public SessionEngine(SessionConfig config) {
        throw new UnsupportedOperationException("TODO");
    }

    public Credentials defaultCredentials() {
        throw new UnsupportedOperationException("TODO");
    }

    public Result send(Credentials credentials, Message message) {
        throw new UnsupportedOperationException("TODO");
    }

    public Feedback feedback(Credentials credentials) {
        throw new UnsupportedOperationException("TODO");
    }

    public int outdate(Duration idle) {
        throw new UnsupportedOperationException("TODO");
    }

    public int openConnections() {
        throw new UnsupportedOperationException("TODO");
    }

    public Backend backend() {
        throw new UnsupportedOperationException("TODO");
    }

    public void close() {
        throw new UnsupportedOperationException("TODO");
    }
}
