package dev.apns.gateway;

/**
 * The gateway's end-to-end tests on PostgreSQL (a real server, a fresh database per test, the same one when a
 * test restarts the gateway).
 */
class PostgresGatewayTest extends GatewayEndToEndTest {
    private String database;

    @Override
    GatewayConfig.Builder storage(GatewayConfig.Builder builder) {
        if (database == null) {
            database = Postgres.newDatabase();
        }
        return builder.database(database, "postgres", null);
    }
}
