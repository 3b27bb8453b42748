package dev.apns.internal.h2;

import dev.apns.internal.h2.hpack.Header;
import dev.apns.internal.h2.hpack.HpackException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The engine's reaction to each frame from the server: stream states (RFC 9113 §5.1, from a client's side), flow
 * control (§6.9), settings (§6.5), PING, GOAWAY and the responses. Part of {@link Http2ClientEngine}, apart only to
 * keep each file small.
 *
 * <p>A stream id is idle when it is even (the server may not open streams: we disabled push) or above the highest
 * we started; any frame but PRIORITY on an idle stream is a connection error. A stream id at or below it that is not
 * in the table is closed: its DATA still counts against the connection window and its header blocks are still
 * decoded (the HPACK context is shared), and then the frames are ignored, as they may have been in flight when we
 * reset the stream or when it ended.
 */
final class InboundFrames implements FrameReader.Handler {

    private final Http2ClientEngine engine;

    InboundFrames(Http2ClientEngine engine) {
        this.engine = engine;
    }

    private boolean isIdle(int streamId) {
        return (streamId & 1) == 0 || streamId > engine.highestStreamId;
    }

    private Http2Exception connectionError(Http2ErrorCode code, int streamId, String message) {
        return new Http2Exception(code, streamId, engine.reader.frameOffset(),
                FrameType.name(engine.reader.frameType()) + " frame: " + message);
    }

    private void rejectIdle(int streamId) throws Http2Exception {
        if (isIdle(streamId)) {
            throw connectionError(Http2ErrorCode.PROTOCOL_ERROR, streamId, "stream " + streamId
                    + " is idle (" + ((streamId & 1) == 0 ? "even ids are the server's, and push is off"
                    : "we started no stream above " + engine.highestStreamId) + ")");
        }
    }

    @Override
    public void onData(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength)
            throws Http2Exception {
        rejectIdle(streamId);
        FlowWindow connection = engine.connectionReceiveWindow;
        if (!connection.receive(flowControlledLength)) {
            throw connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, streamId, flowControlledLength
                    + " bytes exceed the connection's receive window of " + connection.size());
        }
        int connectionIncrement = connection.release(flowControlledLength, engine.options.connectionWindowSize());
        if (connectionIncrement > 0) {
            engine.writer.windowUpdate(0, connectionIncrement);
        }
        Http2Stream stream = engine.streams.get(streamId);
        if (stream == null) {
            return;
        }
        if (!stream.receiveWindow.receive(flowControlledLength)) {
            engine.resetStream(stream, Http2ErrorCode.FLOW_CONTROL_ERROR, flowControlledLength
                    + " bytes of DATA exceed the stream's receive window of " + stream.receiveWindow.size());
            return;
        }
        String problem = stream.onData(data, engine.options.maxResponseBody());
        if (problem != null) {
            boolean tooLarge = stream.hasFinalHeaders();
            engine.resetStream(stream, tooLarge ? Http2ErrorCode.CANCEL : Http2ErrorCode.PROTOCOL_ERROR, problem);
            return;
        }
        if (endStream) {
            complete(stream);
            return;
        }
        int streamIncrement = stream.receiveWindow.release(flowControlledLength, engine.options.initialWindowSize());
        if (streamIncrement > 0) {
            engine.writer.windowUpdate(streamId, streamIncrement);
        }
    }

    @Override
    public void onHeaders(int streamId, boolean endStream, ByteBuffer block) throws Http2Exception {
        rejectIdle(streamId);
        List<Header> fields;
        String streamProblem = null;
        try {
            fields = engine.decoder.decode(block);
        } catch (HpackException e) {
            if (!e.isStreamError()) {
                throw connectionError(Http2ErrorCode.COMPRESSION_ERROR, streamId,
                        "header block not decodable: " + e.getMessage());
            }
            fields = null;
            streamProblem = "header block rejected: " + e.getMessage();
        }
        Http2Stream stream = engine.streams.get(streamId);
        if (stream == null) {
            return;
        }
        if (streamProblem == null) {
            streamProblem = stream.onHeaders(fields, endStream);
        }
        if (streamProblem != null) {
            engine.resetStream(stream, Http2ErrorCode.PROTOCOL_ERROR, streamProblem);
        } else if (endStream) {
            if (stream.hasFinalHeaders()) {
                complete(stream);
            }
        }
    }

    private void complete(Http2Stream stream) {
        engine.end(stream);
        engine.firstResponseSeen = true;
        if (stream.unsent() > 0) {
            // The server answered before reading the whole body (RFC 9113 §8.1): stop sending it.
            engine.writer.rstStream(stream.id, Http2ErrorCode.CANCEL);
        }
        engine.listener.onResponse(stream.attachment, stream.status(), stream.headers(), stream.responseBody());
    }

    @Override
    public void onRstStream(int streamId, long errorCode) throws Http2Exception {
        rejectIdle(streamId);
        Http2Stream stream = engine.streams.get(streamId);
        if (stream == null) {
            return;
        }
        engine.end(stream);
        boolean refused = errorCode == Http2ErrorCode.REFUSED_STREAM.code();
        engine.listener.onStreamFailed(stream.attachment, !refused, "stream " + streamId + " reset by the server with "
                + Http2ErrorCode.describe(errorCode) + (refused ? " (not processed: safe to send again)" : ""));
    }

    @Override
    public void onSettings(ByteBuffer entries) throws Http2Exception {
        Http2Settings before = engine.peer;
        Http2Settings after = before.applyFromServer(entries, engine.reader.frameOffset());
        long delta = (long) after.initialWindowSize() - before.initialWindowSize();
        if (delta != 0) {
            for (Http2Stream s : engine.streams.sorted()) {
                if (!s.sendWindow.expand(delta)) {
                    throw connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, 0, "SETTINGS_INITIAL_WINDOW_SIZE "
                            + after.initialWindowSize() + " takes stream " + s.id + "'s send window above 2^31-1");
                }
            }
        }
        if (after.headerTableSize() != before.headerTableSize()) {
            engine.encoder.setMaxTableSize((int) Math.min(after.headerTableSize(), engine.options.headerTableSize()));
        }
        engine.peer = after;
        engine.writer.settingsAck();
        if (delta > 0) {
            engine.sendWaitingData();
        }
        engine.listener.onSettings(after);
    }

    @Override
    public void onSettingsAck() {
        if (!engine.settingsAcknowledged) {
            engine.settingsAcknowledged = true;
            engine.decoder.setMaxTableSize(engine.options.headerTableSize());
        }
    }

    @Override
    public void onPing(boolean ack, long payload) {
        if (!ack) {
            engine.writer.ping(true, payload);
        } else if (engine.pingOutstanding && payload == engine.pingPayload) {
            engine.pingOutstanding = false;
            engine.listener.onPingAcknowledged(Math.max(0, engine.receiveNanos - engine.pingSentNanos));
        }
        // An acknowledgement of no PING of ours (or a late one) is ignored.
    }

    @Override
    public void onGoAway(int lastStreamId, long errorCode, ByteBuffer debugData) {
        engine.goAwayReceived = true;
        byte[] debug = new byte[Math.min(debugData.remaining(), 1024)];
        debugData.get(debug);
        engine.listener.onGoAway(lastStreamId, errorCode, new String(debug, StandardCharsets.ISO_8859_1));
        for (Http2Stream s : engine.streams.sorted()) {
            if (s.id > lastStreamId) {
                engine.end(s);
                engine.listener.onStreamFailed(s.attachment, false, "stream " + s.id + " is above the last-stream-id "
                        + lastStreamId + " of the server's GOAWAY (" + Http2ErrorCode.describe(errorCode)
                        + "): not processed, safe to send again");
            }
        }
    }

    @Override
    public void onWindowUpdate(int streamId, int increment) throws Http2Exception {
        if (streamId == 0) {
            if (increment == 0) {
                throw connectionError(Http2ErrorCode.PROTOCOL_ERROR, 0, "increment 0 for the connection");
            }
            if (!engine.connectionSendWindow.expand(increment)) {
                throw connectionError(Http2ErrorCode.FLOW_CONTROL_ERROR, 0, "increment " + increment
                        + " takes the connection's send window above 2^31-1");
            }
            engine.sendWaitingData();
            return;
        }
        rejectIdle(streamId);
        Http2Stream stream = engine.streams.get(streamId);
        if (stream == null) {
            return;
        }
        if (increment == 0) {
            engine.resetStream(stream, Http2ErrorCode.PROTOCOL_ERROR, "WINDOW_UPDATE with increment 0");
        } else if (!stream.sendWindow.expand(increment)) {
            engine.resetStream(stream, Http2ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE increment " + increment
                    + " takes the stream's send window above 2^31-1");
        } else if (stream.unsent() > 0) {
            engine.sendData(stream);
        }
    }

    @Override
    public void onPushPromise(int streamId) throws Http2Exception {
        throw connectionError(Http2ErrorCode.PROTOCOL_ERROR, streamId,
                "PUSH_PROMISE although we sent SETTINGS_ENABLE_PUSH 0");
    }

    @Override
    public void onStreamError(int streamId, Http2ErrorCode code, String why) {
        Http2Stream stream = engine.streams.get(streamId);
        if (stream != null) {
            engine.resetStream(stream, code, why);
        }
    }
}
