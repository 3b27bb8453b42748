package dev.apns.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through chromedriver's W3C WebDriver protocol (JSON over HTTP on loopback): the few
 * commands the status page's test needs (open a page, type into a field, click, read the DOM), with no client
 * library. Chromium and chromedriver come from the system ({@code apt-get install chromium chromium-driver});
 * {@link #available()} says whether they are there. One browser session; {@link #close()} ends it and the driver.
 */
final class HeadlessChromium implements AutoCloseable {
    static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final Path profile;
    private final String base;
    private final String session;

    private HeadlessChromium(Process driver, Path profile, String base, String session) {
        this.driver = driver;
        this.profile = profile;
        this.base = base;
        this.session = session;
    }

    /** Whether Chromium and chromedriver are installed where this looks for them. */
    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Starts chromedriver on a free loopback port and opens a headless browser session. */
    static HeadlessChromium start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path profile = Files.createTempDirectory("chromium-profile");
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String base = "http://127.0.0.1:" + port;
        HeadlessChromium browser = null;
        try {
            awaitReady(base);
            ObjectNode capabilities = RestClient.JSON.createObjectNode();
            ObjectNode always = capabilities.putObject("capabilities").putObject("alwaysMatch");
            always.put("browserName", "chrome");
            ObjectNode options = always.putObject("goog:chromeOptions");
            options.put("binary", CHROMIUM.toString());
            List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--user-data-dir=" + profile).forEach(options.withArray("args")::add);
            JsonNode created = call(HttpClient.newHttpClient(), "POST", base + "/session", capabilities);
            browser = new HeadlessChromium(driver, profile, base, created.get("sessionId").asText());
            browser.command("POST", "/timeouts", RestClient.JSON.createObjectNode().put("pageLoad", 20_000)
                    .put("script", 10_000));
            return browser;
        } finally {
            if (browser == null) {
                driver.destroy();
                deleteTree(profile);
            }
        }
    }

    /** Loads {@code url} and waits for the document to load. */
    void open(String url) {
        command("POST", "/url", RestClient.JSON.createObjectNode().put("url", url));
    }

    /** Runs {@code script} (a function body) in the page and returns what it returns. */
    JsonNode script(String script) {
        ObjectNode body = RestClient.JSON.createObjectNode().put("script", script);
        body.putArray("args");
        return command("POST", "/execute/sync", body);
    }

    /** Types {@code text} into the element {@code css} selects, as a user would. */
    void type(String css, String text) {
        command("POST", "/element/" + element(css) + "/value", RestClient.JSON.createObjectNode().put("text", text));
    }

    /** Clears the input {@code css} selects. */
    void clear(String css) {
        command("POST", "/element/" + element(css) + "/clear", RestClient.JSON.createObjectNode());
    }

    /** Clicks the element {@code css} selects. */
    void click(String css) {
        command("POST", "/element/" + element(css) + "/click", RestClient.JSON.createObjectNode());
    }

    /** Whether the element {@code css} selects is shown. */
    boolean displayed(String css) {
        return command("GET", "/element/" + element(css) + "/displayed", null).asBoolean();
    }

    /** The rendered text of the element {@code css} selects. */
    String text(String css) {
        return command("GET", "/element/" + element(css) + "/text", null).asText();
    }

    /** Evaluates {@code script} until its result passes {@code done}, for at most {@code timeout}. */
    JsonNode await(String script, Predicate<JsonNode> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        for (int attempt = 0; attempt < 1_000 && System.nanoTime() < deadline; attempt++) {
            last = script(script);
            if (done.test(last)) {
                return last;
            }
            GatewayEndToEndTest.sleep(100);
        }
        throw new AssertionError("the page did not show what was expected within " + timeout + "; " + script
                + " last gave " + last);
    }

    private String element(String css) {
        JsonNode found = command("POST", "/element", RestClient.JSON.createObjectNode()
                .put("using", "css selector").put("value", css));
        return found.get(ELEMENT).asText();
    }

    private JsonNode command(String method, String path, JsonNode body) {
        try {
            return call(http, method, base + "/session/" + session + path, body);
        } catch (IOException e) {
            throw new IllegalStateException("chromedriver did not answer " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode call(HttpClient http, String method, String url, JsonNode body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body.toString()));
        request.header("Content-Type", "application/json");
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = RestClient.JSON.readTree(response.body());
        JsonNode value = answer.get("value");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + url + " failed (" + response.statusCode()
                    + "): " + (value != null && value.has("message") ? value.get("message").asText() : answer));
        }
        return value;
    }

    private static void awaitReady(String base) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (int attempt = 0; attempt < 300 && System.nanoTime() < deadline; attempt++) {
            try {
                if (call(http, "GET", base + "/status", null).path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException notYet) {
                // chromedriver is still starting
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("chromedriver did not become ready within 15 s at " + base);
    }

    @Override
    public void close() {
        try {
            command("DELETE", "", null);
        } catch (RuntimeException e) {
            // The driver is stopped below either way.
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary profile left behind is harmless.
        }
    }
}
