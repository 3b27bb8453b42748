package dev.apns;

/** Apple's two APNs environments, each a pair of gateway and feedback endpoints. */
public enum Environment {
    PRODUCTION(Endpoint.GATEWAY_PRODUCTION, Endpoint.FEEDBACK_PRODUCTION),
    SANDBOX(Endpoint.GATEWAY_SANDBOX, Endpoint.FEEDBACK_SANDBOX);

    private final Endpoint gateway;
    private final Endpoint feedback;

    Environment(Endpoint gateway, Endpoint feedback) {
        this.gateway = gateway;
        this.feedback = feedback;
    }

    /** Where notifications are sent. */
    public Endpoint gateway() {
        return gateway;
    }

    /** Where the list of uninstalled tokens is read. */
    public Endpoint feedback() {
        return feedback;
    }
}
