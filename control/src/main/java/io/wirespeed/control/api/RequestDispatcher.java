package io.wirespeed.control.api;

import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Turns one request line into one response line. Whatever the line holds, the answer is a
 * well-formed response: the server loop never sees an exception from here.
 *
 * <p>Handlers run one at a time (a lock, fair so no client starves). Commands then see each other's
 * effects in order, and handlers can read, modify and republish the data-plane snapshots without a
 * locking scheme of their own; control traffic is a few requests per second, so nothing is lost.
 */
final class RequestDispatcher {
    private static final System.Logger LOG = System.getLogger(RequestDispatcher.class.getName());

    private final CommandRegistry registry;
    private final ReentrantLock handlerLock = new ReentrantLock(true);

    RequestDispatcher(CommandRegistry registry) {
        this.registry = registry;
    }

    String dispatch(String line) {
        Object parsed;
        try {
            parsed = Json.parse(line);
        } catch (JsonException e) {
            return error("invalid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> request)) {
            return error("a request must be a JSON object like {\"cmd\":\"route.show\",\"args\":{}}");
        }
        for (Object key : request.keySet()) {
            if (!key.equals("cmd") && !key.equals("args")) {
                return error("unknown request field '" + Messages.shorten((String) key) + "' (expected cmd, args)");
            }
        }
        if (!(request.get("cmd") instanceof String cmd) || cmd.isEmpty()) {
            return error("request field 'cmd' must be a non-empty string");
        }
        Object rawArgs = request.get("args");
        if (rawArgs != null && !(rawArgs instanceof Map)) {
            return error("request field 'args' must be an object");
        }
        @SuppressWarnings("unchecked") // Json.parse only makes String-keyed maps
        Map<String, Object> args = rawArgs == null ? Map.of() : (Map<String, Object>) rawArgs;
        return run(cmd, args);
    }

    private String run(String cmd, Map<String, Object> args) {
        Object data;
        handlerLock.lock();
        try {
            data = registry.handle(cmd, args);
        } catch (CommandException e) {
            return error(e.getMessage() == null ? "command '" + cmd + "' failed" : e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "event=control_handler_failed cmd=" + Messages.shorten(cmd), e);
            return error("internal error in '" + Messages.shorten(cmd) + "': " + e);
        } finally {
            handlerLock.unlock();
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("ok", true);
        response.put("data", data);
        try {
            return Json.write(response);
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "event=control_reply_unwritable cmd=" + Messages.shorten(cmd), e);
            return error("internal error in '" + Messages.shorten(cmd) + "': reply cannot be written as JSON: " + e.getMessage());
        }
    }

    static String error(String message) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("ok", false);
        response.put("error", message);
        return Json.write(response);
    }
}
