package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.wirespeed.control.daemon.LbCommands;
import io.wirespeed.lb.service.ServiceTable;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Control-socket requests from arbitrary bytes. {@link #requests}: one line into the dispatcher
 * over the real {@code lb.*} handlers and a real service table, as the daemon serves it; the reply
 * is always a JSON object with a boolean {@code ok}, and a refusal is a clear error, never an
 * "internal error" (a handler that threw something other than its CommandException).
 * {@link #jsonDocuments}: the JSON reader alone; a document it accepts writes back to text that
 * reads as the same value.
 */
class ControlRequestFuzzTest {
    @FuzzTest(maxDuration = "5m")
    void requests(byte[] line) throws JsonException {
        if (line == null) return;
        CommandRegistry registry = new CommandRegistry();
        new LbCommands(new ServiceTable(1, true)).register(registry);
        RequestDispatcher dispatcher = new RequestDispatcher(registry);
        // Several lines on one connection: later requests see what earlier ones configured.
        for (String request : new String(line, StandardCharsets.UTF_8).split("\n", 8)) {
            String reply = dispatcher.dispatch(request);
            Map<?, ?> parsed = assertInstanceOf(Map.class, Json.parse(reply), reply);
            Object ok = parsed.get("ok");
            assertInstanceOf(Boolean.class, ok, reply);
            if (!(Boolean) ok) {
                String error = (String) parsed.get("error");
                assertFalse(error.isBlank(), reply);
                assertFalse(error.startsWith("internal error"), "a handler failed on " + request + ": " + reply);
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void jsonDocuments(byte[] text) {
        if (text == null) return;
        Object value;
        try {
            value = Json.parse(new String(text, StandardCharsets.UTF_8));
        } catch (JsonException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
            return;
        }
        String written = Json.write(value);
        try {
            assertEquals(value, Json.parse(written), "written back: " + written);
        } catch (JsonException e) {
            throw new AssertionError("the writer's own output does not read back: " + written, e);
        }
    }
}
