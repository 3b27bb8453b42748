package dev.apns;

/**
 * {@link ApnsSender#submit(Notification)} waited its whole submit timeout for room and found none: the
 * network is slower than the producer. Slow down, or raise the sender's {@code maxPending}.
 */
public final class SenderFullException extends ApnsException {
    private static final long serialVersionUID = 1L;

    public SenderFullException(String message) {
        super(message);
    }
}
