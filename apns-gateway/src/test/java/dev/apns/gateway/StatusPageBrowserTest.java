package dev.apns.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.apns.gateway.http.ApiKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium loads {@code /status} from a gateway (embedded store) that
 * has accepted and rejected notifications at the HTTP/2 mock, and the test reads what the page rendered. Skipped
 * where Chromium and chromedriver are not installed ({@code .ci/run} installs them).
 */
class StatusPageBrowserTest {
    private static final String APP = GatewayEndToEndTest.APP;
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    /** The rows of a table as arrays of cell texts. */
    private static final String ROWS = "return Array.from(document.querySelectorAll('#%s tbody tr'))"
            + ".map(row => Array.from(row.cells).map(cell => cell.textContent));";

    private static HeadlessChromium browser;

    @TempDir
    Path directory;

    MockApns apns;
    Gateway gateway;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(HeadlessChromium.available(), "Chromium or chromedriver is not installed (looked for "
                + HeadlessChromium.CHROMIUM + " and " + HeadlessChromium.CHROMEDRIVER + "; on Debian: apt-get install"
                + " chromium chromium-driver); the status page's browser test is skipped");
        browser = HeadlessChromium.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void startMock() {
        apns = new MockApns();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        apns.close();
    }

    /** Starts a gateway, provisions the mock's app and has it accept two notifications and reject one. */
    private String acceptTwoAndRejectOne(GatewayConfig.Builder builder, String adminKey) {
        gateway = Gateway.start(builder.port(0).dataDirectory(directory.resolve("data")).build());
        RestClient client = new RestClient(gateway.port(), adminKey);
        assertThat(client.post(APP, apns.tokenApp()).status()).isEqualTo(201);
        String rejected = GatewayEndToEndTest.token(2);
        apns.server.rejectToken(rejected, "BadDeviceToken");
        ArrayNode batch = RestClient.JSON.createArrayNode();
        for (int i = 0; i < 3; i++) {
            batch.add(GatewayEndToEndTest.notification(GatewayEndToEndTest.token(i)));
        }
        assertThat(client.post(APP + "/notifications", batch).status()).isEqualTo(202);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        JsonNode counts = null;
        for (int attempt = 0; attempt < 300 && System.nanoTime() < deadline; attempt++) {
            counts = client.get("/status.json").body().get("apps").get(0).get("counts");
            if (counts.get("accepted").asLong() == 2 && counts.get("rejected").asLong() == 1) {
                break;
            }
            GatewayEndToEndTest.sleep(50);
        }
        assertThat(counts.get("accepted").asLong()).as("%s", counts).isEqualTo(2);
        return rejected;
    }

    private String page(String path) {
        return "http://127.0.0.1:" + gateway.port() + path;
    }

    @Test
    void asksForTheAdminKeyThenShowsTheAppCountsAndTheRejectionWithItsReason() {
        String adminKey = "status-admin-key-0123456789";
        String rejected = acceptTwoAndRejectOne(GatewayConfig.builder()
                .apiKey(ApiKey.of("ops", adminKey, Set.of(), true))
                .apiKey(ApiKey.of("shop", "status-shop-key-0123456789", Set.of(MockApns.TOPIC), false)), adminKey);

        browser.open(page("/status"));
        browser.await("return document.getElementById('summary').textContent;",
                text -> text.asText().contains("needs an admin API key"), PATIENCE);
        assertThat(browser.displayed("#key-form")).isTrue();
        assertThat(browser.script(String.format(ROWS, "apps"))).as("nothing shown without a key").isEmpty();

        browser.type("#key", "status-shop-key-0123456789");
        browser.click("#key-form button");
        browser.await("return document.getElementById('key-error').textContent;",
                text -> text.asText().contains("may not"), PATIENCE);
        assertThat(browser.script(String.format(ROWS, "apps"))).as("an app key is not an admin key").isEmpty();

        browser.clear("#key");
        browser.type("#key", adminKey);
        browser.click("#key-form button");
        JsonNode apps = browser.await(String.format(ROWS, "apps"), rows -> rows.size() == 1, PATIENCE);
        // App, environment, protocol, queued, sending, accepted, rejected, failed, accepted/s, expiry, problem.
        assertThat(texts(apps.get(0)).subList(0, 8)).containsExactly(MockApns.TOPIC, "sandbox", "http2", "0", "0", "2",
                "1", "0");
        assertThat(texts(apps.get(0)).get(9)).isEqualTo("never");
        assertThat(browser.displayed("#key-form")).isFalse();
        assertThat(browser.text("#summary")).contains("Instance " + gateway.instanceId());

        JsonNode rejections = browser.await(String.format(ROWS, "rejections"), rows -> rows.size() == 1, PATIENCE);
        assertThat(texts(rejections.get(0)).subList(1, 5)).containsExactly(MockApns.TOPIC + "/sandbox", rejected,
                "400", "BadDeviceToken");
        assertThat(browser.text("#instances")).isEqualTo(gateway.instanceId());
        assertThat(browser.script("return document.documentElement.outerHTML;").asText())
                .doesNotContain(adminKey).doesNotContain("PRIVATE KEY");
    }

    @Test
    void anOpenGatewayShowsItsStatusAtOnceAlsoWithATrailingSlash() {
        acceptTwoAndRejectOne(GatewayConfig.builder(), null);
        for (String path : List.of("/status", "/status/")) {
            browser.open(page(path));
            JsonNode apps = browser.await(String.format(ROWS, "apps"), rows -> rows.size() == 1, PATIENCE);
            assertThat(texts(apps.get(0)).subList(5, 7)).as(path).containsExactly("2", "1");
            assertThat(browser.displayed("#key-form")).as(path).isFalse();
            assertThat(browser.text("#depth")).as(path).isEqualTo("0");
        }
    }

    private static List<String> texts(JsonNode row) {
        return java.util.stream.StreamSupport.stream(row.spliterator(), false).map(JsonNode::asText).toList();
    }
}
