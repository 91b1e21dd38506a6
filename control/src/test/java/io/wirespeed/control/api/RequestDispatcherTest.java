package io.wirespeed.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestDispatcherTest {
    private final RequestDispatcher dispatcher = new RequestDispatcher(registry());

    private static CommandRegistry registry() {
        CommandRegistry r = new CommandRegistry();
        r.register("echo", args -> args);
        r.register("nothing", args -> null);
        r.register("refuse", args -> {
            throw new CommandException("no route to 198.20.0.0/16");
        });
        r.register("crash", args -> {
            throw new IllegalStateException("boom");
        });
        r.register("unwritable", args -> List.of(new Object()));
        return r;
    }

    @Test
    void success() {
        assertEquals("{\"ok\":true,\"data\":{\"a\":1}}", dispatcher.dispatch("{\"cmd\":\"echo\",\"args\":{\"a\":1}}"));
        assertEquals("{\"ok\":true,\"data\":{}}", dispatcher.dispatch("{\"cmd\":\"echo\"}"));
        assertEquals("{\"ok\":true,\"data\":{}}", dispatcher.dispatch("{\"args\":null,\"cmd\":\"echo\"}"));
        assertEquals("{\"ok\":true,\"data\":null}", dispatcher.dispatch("{\"cmd\":\"nothing\"}"));
    }

    @Test
    void commandErrorsGoToTheUserAsTheyAre() {
        assertEquals("{\"ok\":false,\"error\":\"no route to 198.20.0.0/16\"}", dispatcher.dispatch("{\"cmd\":\"refuse\"}"));
        assertEquals("{\"ok\":false,\"error\":\"unknown command 'nope'\"}", dispatcher.dispatch("{\"cmd\":\"nope\"}"));
    }

    @Test
    void handlerBugsBecomeErrorResponses() {
        assertEquals("{\"ok\":false,\"error\":\"internal error in 'crash': java.lang.IllegalStateException: boom\"}",
                dispatcher.dispatch("{\"cmd\":\"crash\"}"));
        assertEquals("{\"ok\":false,\"error\":\"internal error in 'unwritable': reply cannot be written as JSON: "
                + "cannot write java.lang.Object as JSON at $.data[0]\"}", dispatcher.dispatch("{\"cmd\":\"unwritable\"}"));
    }

    @Test
    void malformedRequests() {
        Map<String, String> cases = Map.of(
                "{\"cmd\":", "invalid JSON: unexpected end of input, expected a value at offset 7",
                "[1]", "a request must be a JSON object like {\\\"cmd\\\":\\\"route.show\\\",\\\"args\\\":{}}",
                "{\"cmd\":\"echo\",\"id\":1}", "unknown request field 'id' (expected cmd, args)",
                "{\"args\":{}}", "request field 'cmd' must be a non-empty string",
                "{\"cmd\":\"\"}", "request field 'cmd' must be a non-empty string",
                "{\"cmd\":7}", "request field 'cmd' must be a non-empty string",
                "{\"cmd\":\"echo\",\"args\":[]}", "request field 'args' must be an object");
        cases.forEach((line, error) -> assertEquals("{\"ok\":false,\"error\":\"" + error + "\"}", dispatcher.dispatch(line), line));
    }
}
