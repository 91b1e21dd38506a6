package io.wirespeed.control.config;

import io.wirespeed.lb.path.LocalPortRange;
import io.wirespeed.lb.service.VipPortPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads {@code wirespeed.yaml} into a {@link WirespeedConfig}. Uses snakeyaml-engine's node API
 * rather than its object mapping so that every value keeps its line and column, and every error,
 * from a YAML syntax slip to a route through a port that does not exist, points at the line to fix.
 *
 * <p>Only what can be decided from the file alone is checked here; whether a core or a kernel
 * interface exists on this machine is the daemon's business.
 */
public final class ConfigLoader {
    /** Config files are written by people: anything larger is a mistake (or an attack), not a config. */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** Bounds anchor/alias expansion so a crafted file cannot blow up memory ("billion laughs"). */
    private static final int MAX_ALIASES = 50;
    /** glibc's cpu_set_t, which sched_setaffinity pins with, holds CPUs 0..1023. */
    static final int MAX_CORE = 1023;
    /** Smallest pool that still fills a few bursts per queue; largest is 8 GiB of 2 KiB buffers. */
    static final int MIN_BUFFERS = 256, MAX_BUFFERS = 1 << 22;
    /** sun_path is 108 bytes including the terminating NUL. */
    static final int MAX_SOCKET_PATH_BYTES = 107;

    private static final List<String> TOP_KEYS = List.of("workers", "pool", "control", "ports", "routes", "neighbours",
            "ipsets", "protection", "services", "lb", "metrics", "bgp", "sync");

    private ConfigLoader() {}

    /**
     * Loads a config file. Relative pcap file names are taken relative to the file's directory, so
     * the daemon reads the same files whatever directory it was started from.
     */
    public static WirespeedConfig load(Path file) throws ConfigException {
        String source = file.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        } catch (IOException e) {
            throw new ConfigException(source, "cannot read the file: " + e, e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new ConfigException(source, "file is larger than the " + (MAX_FILE_BYTES >> 20) + " MiB limit", null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, "file is not valid UTF-8", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        return parse(text, source, dir);
    }

    /** Parses config text; relative pcap file names stay relative to the working directory. */
    public static WirespeedConfig parse(String yaml, String sourceName) throws ConfigException {
        return parse(yaml, sourceName, null);
    }

    static WirespeedConfig parse(String yaml, String source, Path baseDir) throws ConfigException {
        if (yaml.length() > MAX_FILE_BYTES || yaml.getBytes(StandardCharsets.UTF_8).length > MAX_FILE_BYTES) {
            throw new ConfigException(source, "file is larger than the " + (MAX_FILE_BYTES >> 20) + " MiB limit", null);
        }
        Optional<Node> root = compose(yaml, source);
        if (root.isEmpty() || new YamlField(root.get(), "", source).isNull()) {
            throw new ConfigException(source, 1, 1, "", "file is empty (expected a mapping with keys " + String.join(", ", TOP_KEYS) + ")");
        }
        YamlMapping top = new YamlField(root.get(), "", source).mapping("a wirespeed configuration", TOP_KEYS);

        WorkersConfig workers = workers(top.optional("workers"));
        PoolConfig pool = pool(top.optional("pool"));
        ControlConfig control = control(top.optional("control"));
        List<PortConfig> ports = new PortsReader(baseDir).read(top.optional("ports"));
        // routes and neighbours may name a port or one of its VLAN sub-interfaces
        java.util.Set<String> interfaces = new java.util.HashSet<>();
        ports.forEach(p -> {
            interfaces.add(p.name());
            p.vlans().forEach(v -> interfaces.add(v.name()));
        });
        RoutingReader routing = new RoutingReader(interfaces);
        List<RouteConfig> routes = routing.routes(top.optional("routes"));
        List<NeighbourConfig> neighbours = routing.neighbours(top.optional("neighbours"));
        // ipsets first: the lists of services and of protection: may name them
        ProtectionReader protection = ProtectionReader.read(top.optional("ipsets"));
        List<ServiceConfig> services = new ServicesReader(interfaces, protection).read(top.optional("services"));
        LbConfig lb = lb(top.optional("lb"));
        MetricsConfig metrics = MetricsReader.read(top.optional("metrics"));
        Optional<BgpConfig> bgp = BgpReader.read(top.optional("bgp"));
        return new WirespeedConfig(workers, pool, control, ports, routes, neighbours, services, lb, metrics,
                protection.config(top.optional("protection")), bgp, SyncReader.read(top.optional("sync")));
    }

    private static Optional<Node> compose(String yaml, String source) throws ConfigException {
        LoadSettings settings = LoadSettings.builder()
                .setLabel(source)
                .setSchema(new CoreSchema())
                .setAllowRecursiveKeys(false)
                .setMaxAliasesForCollections(MAX_ALIASES)
                .setCodePointLimit(MAX_FILE_BYTES + 1)
                .setUseMarks(true)
                .build();
        try {
            return new Compose(settings).composeString(yaml);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new ConfigException(source, mark.map(m -> m.getLine() + 1).orElse(0), mark.map(m -> m.getColumn() + 1).orElse(0),
                    "", "YAML syntax error: " + describe(e), e);
        } catch (YamlEngineException e) {
            throw new ConfigException(source, "YAML error: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // snakeyaml-engine lets some malformed input out as a plain IllegalArgumentException, e.g. a tag
            // whose %-escape decodes to a space ("!%A": "Tag must not contain leading or trailing spaces")
            throw new ConfigException(source, "YAML syntax error: " + e.getMessage(), e);
        }
    }

    /** snakeyaml splits its messages into a context and a problem; join them into one sentence. */
    private static String describe(MarkedYamlEngineException e) {
        String problem = e.getProblem(), context = e.getContext();
        if (context == null || context.isEmpty()) {
            return problem;
        }
        // "expected a single document in the stream" + "but found another document"
        return problem.startsWith("but ") ? context + ", " + problem : problem + " (" + context + ")";
    }

    private static WorkersConfig workers(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return new WorkersConfig(WorkersConfig.DEFAULT_CORES);
        }
        YamlMapping workers = field.get().mapping("the worker settings", List.of("cores"));
        Optional<YamlField> coresField = workers.optional("cores");
        if (coresField.isEmpty()) {
            return new WorkersConfig(WorkersConfig.DEFAULT_CORES);
        }
        List<YamlField> items = coresField.get().list("a list of CPU core numbers");
        if (items.isEmpty()) {
            throw coresField.get().error("no cores listed (expected at least one CPU core number, e.g. [0])");
        }
        List<Integer> cores = new ArrayList<>();
        Map<Integer, YamlField> seen = new HashMap<>();
        for (YamlField item : items) {
            int core = (int) item.integer(0, MAX_CORE);
            YamlField first = seen.putIfAbsent(core, item);
            if (first != null) {
                throw item.error("duplicate core " + core + " (already listed as " + first.path() + "; one worker per core)");
            }
            cores.add(core);
        }
        return new WorkersConfig(cores);
    }

    private static PoolConfig pool(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return new PoolConfig(PoolConfig.DEFAULT_BUFFERS, PoolConfig.Hugepages.AUTO);
        }
        YamlMapping pool = field.get().mapping("the packet pool settings", List.of("buffers", "hugepages"));
        int buffers = (int) pool.integer("buffers", MIN_BUFFERS, MAX_BUFFERS, PoolConfig.DEFAULT_BUFFERS);
        Optional<YamlField> hugepagesField = pool.optional("hugepages");
        PoolConfig.Hugepages hugepages = PoolConfig.Hugepages.AUTO;
        if (hugepagesField.isPresent()) {
            YamlField f = hugepagesField.get();
            String value = f.string("auto, on or off");
            hugepages = switch (value) {
                case "auto" -> PoolConfig.Hugepages.AUTO;
                case "on" -> PoolConfig.Hugepages.ON;
                case "off" -> PoolConfig.Hugepages.OFF;
                default -> throw f.error("unknown value '" + YamlField.shorten(value) + "' (expected one of: auto, on, off)");
            };
        }
        return new PoolConfig(buffers, hugepages);
    }

    private static LbConfig lb(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return LbConfig.DEFAULTS;
        }
        YamlMapping lb = field.get().mapping("the load balancer settings",
                List.of("connections", "expire_on_remove", "vip_port_without_service", "local_ports"));
        int connections = (int) lb.integer("connections", 1, LbConfig.MAX_CONNECTIONS, LbConfig.DEFAULT_CONNECTIONS);
        boolean expire = lb.bool("expire_on_remove", LbConfig.DEFAULTS.expireOnRemove());
        VipPortPolicy vipPorts = LbConfig.DEFAULTS.vipPortWithoutService();
        Optional<YamlField> vipPortsField = lb.optional("vip_port_without_service");
        if (vipPortsField.isPresent()) {
            YamlField f = vipPortsField.get();
            String value = f.string("drop or reject");
            try {
                vipPorts = VipPortPolicy.byLabel(value);
            } catch (IllegalArgumentException e) {
                throw f.error("unknown value '" + YamlField.shorten(value) + "' (expected one of: drop, reject)");
            }
        }
        LocalPortRange localPorts = LocalPortRange.DEFAULT;
        Optional<YamlField> portsField = lb.optional("local_ports");
        if (portsField.isPresent()) {
            YamlField f = portsField.get();
            try {
                localPorts = LocalPortRange.parse(f.string("a port range FIRST-LAST"));
            } catch (IllegalArgumentException e) {
                throw f.error(e.getMessage());
            }
        }
        return new LbConfig(connections, expire, vipPorts, localPorts);
    }

    private static ControlConfig control(Optional<YamlField> field) throws ConfigException {
        if (field.isEmpty()) {
            return new ControlConfig(ControlConfig.DEFAULT_SOCKET);
        }
        YamlMapping control = field.get().mapping("the control socket settings", List.of("socket"));
        Optional<YamlField> socketField = control.optional("socket");
        if (socketField.isEmpty()) {
            return new ControlConfig(ControlConfig.DEFAULT_SOCKET);
        }
        YamlField f = socketField.get();
        String text = f.string("an absolute path for the control socket");
        if (!text.startsWith("/")) {
            throw f.error("'" + YamlField.shorten(text) + "' is not an absolute path (expected e.g. " + ControlConfig.DEFAULT_SOCKET + ")");
        }
        if (text.indexOf('\0') >= 0) {
            throw f.error("socket path contains a NUL character");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw f.error("socket path is longer than " + MAX_SOCKET_PATH_BYTES + " bytes, the limit of a Unix socket address");
        }
        return new ControlConfig(Path.of(text));
    }
}
