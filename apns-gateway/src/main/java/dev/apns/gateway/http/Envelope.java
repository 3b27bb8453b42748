package dev.apns.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;

/**
 * pyapns's response envelope: {@code {"response": ..., "code": 200}} on success and
 * {@code {"error": "...", "code": 400}} on failure; the gateway adds {@code "field"} to errors about one field.
 */
final class Envelope {
    static final ObjectMapper JSON = new ObjectMapper();

    private Envelope() {
    }

    static void ok(Context ctx, int code, JsonNode response) {
        ObjectNode body = JSON.createObjectNode();
        body.set("response", response);
        body.put("code", code);
        send(ctx, code, body.toString());
    }

    static String okText(int code, JsonNode response) {
        ObjectNode body = JSON.createObjectNode();
        body.set("response", response);
        body.put("code", code);
        return body.toString();
    }

    static void error(Context ctx, int code, String message, String field) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        if (field != null) {
            body.put("field", field);
        }
        body.put("code", code);
        send(ctx, code, body.toString());
    }

    static void send(Context ctx, int code, String json) {
        ctx.status(code).contentType("application/json").result(json);
    }

    /** Parses a request body, answering 400 when it is not JSON. */
    static JsonNode parse(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw new RestException(400, "the request has no body; send JSON", "body");
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new RestException(400, "the body is not valid JSON (line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ")", "body");
        }
    }
}
