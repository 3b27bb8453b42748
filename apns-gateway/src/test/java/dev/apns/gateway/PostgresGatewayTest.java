package dev.apns.gateway;

/** The gateway's end-to-end tests on PostgreSQL (a real server, a fresh database per test). */
class PostgresGatewayTest extends GatewayEndToEndTest {
    @Override
    GatewayConfig.Builder storage(GatewayConfig.Builder builder) {
        return builder.database(Postgres.newDatabase(), "postgres", null);
    }
}
