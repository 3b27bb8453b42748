package dev.apns;

/**
 * Apple's two APNs environments, each with its HTTP/2 provider API and, for the binary protocol, its gateway
 * and feedback endpoints.
 */
public enum Environment {
    PRODUCTION(Endpoint.API_PRODUCTION, Endpoint.GATEWAY_PRODUCTION, Endpoint.FEEDBACK_PRODUCTION),
    SANDBOX(Endpoint.API_SANDBOX, Endpoint.GATEWAY_SANDBOX, Endpoint.FEEDBACK_SANDBOX);

    private final Endpoint api;
    private final Endpoint gateway;
    private final Endpoint feedback;

    Environment(Endpoint api, Endpoint gateway, Endpoint feedback) {
        this.api = api;
        this.gateway = gateway;
        this.feedback = feedback;
    }

    /** Where notifications are sent with the HTTP/2 provider API (port 443; 2197 also serves it). */
    public Endpoint api() {
        return api;
    }

    /** Where notifications are sent with the binary protocol (switched off by Apple in 2021). */
    public Endpoint gateway() {
        return gateway;
    }

    /** Where the binary protocol's list of uninstalled tokens is read. */
    public Endpoint feedback() {
        return feedback;
    }

    /** Where notifications of this protocol are sent. */
    public Endpoint endpoint(Protocol protocol) {
        return protocol == Protocol.HTTP2 ? api : gateway;
    }
}
