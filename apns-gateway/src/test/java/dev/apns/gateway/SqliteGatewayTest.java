package dev.apns.gateway;

/** The gateway's end-to-end tests on the embedded store (SQLite in a temporary data directory). */
class SqliteGatewayTest extends GatewayEndToEndTest {
    @Override
    GatewayConfig.Builder storage(GatewayConfig.Builder builder) {
        return builder.dataDirectory(dataDirectory);
    }
}
