package io.wirespeed.control.api;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** The commands the daemon answers, by name ({@code route.add}); filled at start, read by the server. */
public final class CommandRegistry {
    /** Handles one command; runs on a control-plane thread, never on a worker. */
    @FunctionalInterface
    public interface Handler {
        /**
         * @param args the request's {@code args} object (empty if absent); read it with {@link Args}
         * @return the response's {@code data}: anything {@link Json#write} accepts, or null
         * @throws CommandException with a message for the operator
         */
        Object handle(Map<String, Object> args) throws CommandException;
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*");

    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    /** @throws IllegalArgumentException if the name is taken or not a dotted lower-case name */
    public void register(String cmd, Handler handler) {
        Objects.requireNonNull(handler, "handler");
        if (!NAME.matcher(cmd).matches()) {
            throw new IllegalArgumentException("invalid command name '" + cmd + "' (expected dotted lower-case words like route.add)");
        }
        if (handlers.putIfAbsent(cmd, handler) != null) {
            throw new IllegalArgumentException("command '" + cmd + "' is already registered");
        }
    }

    /** Runs the handler of {@code cmd}. */
    public Object handle(String cmd, Map<String, Object> args) throws CommandException {
        Handler handler = handlers.get(cmd);
        if (handler == null) {
            throw new CommandException("unknown command '" + Messages.shorten(cmd) + "'");
        }
        return handler.handle(args);
    }

    /** Registered command names, sorted. */
    public Set<String> commands() {
        return new TreeSet<>(handlers.keySet());
    }
}
