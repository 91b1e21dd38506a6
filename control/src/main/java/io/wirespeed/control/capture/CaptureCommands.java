package io.wirespeed.control.capture;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.net.capture.FilterSyntaxException;
import io.wirespeed.net.capture.PacketFilter;
import io.wirespeed.net.capture.Sampler;
import io.wirespeed.net.capture.TapRule;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control-socket commands of {@code wsctl capture} and {@code wsctl sample}:
 * {@code capture.start|stop|list|show} and {@code sample.add|del|list}. Validates everything the
 * data path will rely on (port names, filters, counts, file paths) and names the argument at fault.
 */
public final class CaptureCommands {
    /** tcpdump's default snap length. */
    static final int DEFAULT_SNAPLEN = 262144;

    private final CaptureManager manager;
    private final List<String> portNames;

    public CaptureCommands(CaptureManager manager, List<String> portNames) {
        this.manager = manager;
        this.portNames = List.copyOf(portNames);
    }

    public void register(CommandRegistry r) {
        r.register("capture.start", this::captureStart);
        r.register("capture.stop", a -> stop(a, TapSession.Kind.CAPTURE));
        r.register("capture.list", a -> {
            Args.allowOnly(a);
            return Map.of("captures", manager.list(TapSession.Kind.CAPTURE));
        });
        r.register("capture.show", a -> {
            Args.allowOnly(a, "id");
            int id = (int) Args.integer(a, "id", 1, Integer.MAX_VALUE);
            Map<String, Object> s = manager.show(id);
            if (s == null) throw new CommandException("no capture with id " + id);
            return s;
        });
        r.register("sample.add", this::sampleAdd);
        r.register("sample.del", a -> stop(a, TapSession.Kind.SAMPLE));
        r.register("sample.list", a -> {
            Args.allowOnly(a);
            return Map.of("samples", manager.list(TapSession.Kind.SAMPLE));
        });
    }

    private Object captureStart(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "port", "filter", "file", "count", "snaplen", "direction");
        String portName = Args.string(a, "port");
        int port = port(portName, "port");
        String filterText = Args.optString(a, "filter").orElse("");
        PacketFilter filter = filter(filterText);
        String direction = Args.optString(a, "direction").orElse("both");
        long count = Args.optInteger(a, "count", 1, Long.MAX_VALUE).orElse(Long.MAX_VALUE);
        int snaplen = (int) Args.optInteger(a, "snaplen", 1, DEFAULT_SNAPLEN).orElse(DEFAULT_SNAPLEN);
        Path file = file(Args.string(a, "file"));
        Map<String, Object> describe = new LinkedHashMap<>();
        describe.put("port", portName);
        describe.put("filter", filter.text());
        describe.put("direction", direction);
        describe.put("file", file.toString());
        if (count != Long.MAX_VALUE) describe.put("count", count);
        describe.put("snaplen", (long) snaplen);
        TapSpec spec = new TapSpec(TapSession.Kind.CAPTURE, port, side(direction, "rx") ? filter : null,
                side(direction, "tx") ? filter : null, Sampler.every(), count, snaplen, file, TapRule.TO_RING, describe);
        return Map.of("id", (long) start(spec), "file", file.toString());
    }

    private Object sampleAdd(Map<String, Object> a) throws CommandException {
        Args.allowOnly(a, "match", "proto", "vip", "src", "dst", "every", "rate", "file", "mirror", "snaplen", "direction");
        String match = Args.string(a, "match");
        String proto = Args.optString(a, "proto").orElse("any");
        Map<String, Object> describe = new LinkedHashMap<>();
        describe.put("match", match);
        describe.put("proto", proto);
        PacketFilter rx, tx;
        switch (match) {
            case "vip" -> {
                if (a.containsKey("direction")) throw new CommandException("argument 'direction': a vip rule watches both ways");
                String vip = Args.string(a, "vip");
                PacketFilter[] f = SampleMatch.vip(proto, vip);
                rx = f[0];
                tx = f[1];
                describe.put("vip", vip);
            }
            case "flow" -> {
                String src = Args.optString(a, "src").orElse("*"), dst = Args.optString(a, "dst").orElse("*");
                PacketFilter f = SampleMatch.flow(proto, src, dst);
                String direction = Args.optString(a, "direction").orElse("rx");
                rx = side(direction, "rx") ? f : null;
                tx = side(direction, "tx") ? f : null;
                describe.put("src", src);
                describe.put("dst", dst);
                describe.put("direction", direction);
            }
            default -> throw new CommandException("argument 'match' must be vip or flow, got \"" + match + "\"");
        }
        var every = Args.optInteger(a, "every", 1, Integer.MAX_VALUE);
        var rate = Args.optInteger(a, "rate", 1, 1_000_000_000L);
        if (every.isPresent() == rate.isPresent()) {
            throw new CommandException("give exactly one of 'every' (1 in N packets) and 'rate' (N packets per second)");
        }
        Sampler sampler = every.isPresent() ? Sampler.oneIn(every.getAsLong()) : Sampler.perSecond(rate.getAsLong());
        describe.put("sample", sampler.toString());
        Optional<String> fileText = Args.optString(a, "file");
        Optional<String> mirror = Args.optString(a, "mirror");
        if (fileText.isPresent() == mirror.isPresent()) {
            throw new CommandException("give exactly one of 'file' (write a pcap) and 'mirror' (send copies on a port)");
        }
        Path file = fileText.isPresent() ? file(fileText.get()) : null;
        int mirrorPort = mirror.isPresent() ? port(mirror.get(), "mirror") : TapRule.TO_RING;
        describe.put(file != null ? "file" : "mirror", file != null ? file.toString() : mirror.get());
        int snaplen = (int) Args.optInteger(a, "snaplen", 1, DEFAULT_SNAPLEN).orElse(DEFAULT_SNAPLEN);
        TapSpec spec = new TapSpec(TapSession.Kind.SAMPLE, TapRule.ANY_PORT, rx, tx, sampler, Long.MAX_VALUE, snaplen,
                file, mirrorPort, describe);
        return Map.of("id", (long) start(spec));
    }

    private Object stop(Map<String, Object> a, TapSession.Kind kind) throws CommandException {
        Args.allowOnly(a, "id");
        int id = (int) Args.integer(a, "id", 1, Integer.MAX_VALUE);
        if (!manager.stop(id, kind)) {
            throw new CommandException("no running " + (kind == TapSession.Kind.CAPTURE ? "capture" : "sampling rule") + " with id " + id);
        }
        return manager.show(id);
    }

    private int start(TapSpec spec) throws CommandException {
        try {
            return manager.start(spec);
        } catch (IOException | RuntimeException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private int port(String name, String arg) throws CommandException {
        int i = portNames.indexOf(name);
        if (i < 0) {
            throw new CommandException("argument '" + arg + "': no port named \"" + name + "\" (ports: " + String.join(", ", portNames) + ")");
        }
        return i;
    }

    private static PacketFilter filter(String text) throws CommandException {
        try {
            return PacketFilter.compile(text);
        } catch (FilterSyntaxException e) {
            throw new CommandException(e.getMessage());
        }
    }

    private static boolean side(String direction, String which) throws CommandException {
        return switch (direction) {
            case "both" -> true;
            case "rx", "tx" -> direction.equals(which);
            default -> throw new CommandException("argument 'direction' must be rx, tx or both, got \"" + direction + "\"");
        };
    }

    /** The daemon writes the file: an absolute path, since the daemon's working directory is not the caller's. */
    private static Path file(String text) throws CommandException {
        Path p;
        try {
            p = Path.of(text);
        } catch (InvalidPathException e) {
            throw new CommandException("argument 'file': not a valid path: " + e.getMessage());
        }
        if (!p.isAbsolute()) {
            throw new CommandException("argument 'file' must be an absolute path (wsctl makes it absolute), got \"" + text + "\"");
        }
        return p;
    }
}
