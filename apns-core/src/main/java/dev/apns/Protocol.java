package dev.apns;

/** The two APNs provider protocols the SDK speaks. */
public enum Protocol {
    /** Apple's current provider API: HTTP/2 over TLS, with token or certificate authentication, an answer per notification. */
    HTTP2,
    /**
     * The binary gateway protocol (commands 0 to 2, error responses, the feedback service), certificate
     * authentication only. Apple switched it off in 2021; it remains for private gateways and tests.
     */
    BINARY
}
