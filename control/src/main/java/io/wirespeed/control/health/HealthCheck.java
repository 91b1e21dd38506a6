package io.wirespeed.control.health;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The health check of one virtual service, run against each of its real servers. Written as
 * {@code type=http,path=/health,status=200,interval=1s,timeout=500ms,rise=2,fall=2} on the command
 * line ({@code wsctl lb --health-check}) and as a mapping with the same keys in {@code wirespeed.yaml}.
 * It has an active part (the probes: {@code type} and what goes with it), a {@link PassiveCheck passive}
 * part ({@code passive=5/10s,backoff=2s,max_backoff=60s}), or both.
 *
 * @param type what the probes ask, null for a passive check alone
 * @param port where to connect, 0 = the real server's own port (ignored by icmp)
 * @param path http: the path asked for
 * @param status http: the status that means healthy
 * @param body http: text the body must contain, null = any body
 * @param host http: the Host header, null = the server's address
 * @param send udp: the datagram sent
 * @param expect udp: text the reply must contain, null = any reply
 * @param interval from the start of one check to the start of the next
 * @param timeout how long one check may wait for the server; at most {@code interval}
 * @param rise consecutive passes that restore an inhibited server
 * @param fall consecutive failures that inhibit a server
 * @param passive the passive check, null for none
 */
public record HealthCheck(CheckType type, int port, String path, int status, String body, String host,
                          String send, String expect, Duration interval, Duration timeout, int rise, int fall,
                          PassiveCheck passive) {
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2), DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    public static final int DEFAULT_RISE = 2, DEFAULT_FALL = 2, MAX_COUNT = 100;
    static final Duration MIN_INTERVAL = Duration.ofMillis(100), MAX_INTERVAL = Duration.ofHours(1),
            MIN_TIMEOUT = Duration.ofMillis(10);
    /** Every key, in the order {@link #toText()} writes them. */
    public static final List<String> KEYS = List.of("type", "port", "path", "status", "body", "host", "send", "expect",
            "interval", "timeout", "rise", "fall", "passive", "backoff", "max_backoff");
    /** The keys of the passive part. */
    public static final List<String> PASSIVE_KEYS = List.of("passive", "backoff", "max_backoff");
    private static final List<String> COMMON_KEYS = List.of("interval", "timeout", "rise", "fall");
    private static final Map<CheckType, Set<String>> OWN_KEYS = Map.of(
            CheckType.TCP, Set.of("port"),
            CheckType.HTTP, Set.of("port", "path", "status", "body", "host"),
            CheckType.UDP, Set.of("port", "send", "expect"),
            CheckType.ICMP, Set.of());

    public HealthCheck {
        if ((type == null && passive == null) || interval == null || timeout == null) {
            throw new IllegalArgumentException("a health check needs a type or a passive check, an interval and a timeout");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " out of range 0..65535 (0 = the real server's port)");
        }
        if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
            throw new IllegalArgumentException("interval " + text(interval) + " out of range 100ms..1h");
        }
        if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(interval) > 0) {
            // one check per server at a time: it must be over before the next is due
            throw new IllegalArgumentException("timeout " + text(timeout) + " out of range 10ms..interval (" + text(interval) + ")");
        }
        if (rise < 1 || rise > MAX_COUNT || fall < 1 || fall > MAX_COUNT) {
            throw new IllegalArgumentException("rise " + rise + " and fall " + fall + " must be in 1.." + MAX_COUNT);
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not an HTTP status (100..599)");
        }
        if (path == null || !path.startsWith("/") || !printable(path, false)) {
            throw new IllegalArgumentException("path '" + path + "' must start with / and have no spaces or control characters");
        }
        if (host != null && (host.isEmpty() || !printable(host, false))) {
            throw new IllegalArgumentException("host '" + host + "' must be a non-empty word without spaces or control characters");
        }
        for (String[] v : new String[][] {{"body", body}, {"send", send}, {"expect", expect}}) {
            if (v[1] != null && (!printable(v[1], true) || v[1].contains(","))) {
                throw new IllegalArgumentException(v[0] + " '" + v[1] + "' must be printable text without commas");
            }
        }
        send = send == null ? "" : send;
    }

    /** An active check alone. */
    public HealthCheck(CheckType type, int port, String path, int status, String body, String host,
                       String send, String expect, Duration interval, Duration timeout, int rise, int fall) {
        this(type, port, path, status, body, host, send, expect, interval, timeout, rise, fall, null);
    }

    /** Whether it probes the servers (it has a {@link #type}); a passive check alone does not. */
    public boolean active() {
        return type != null;
    }

    /** The same active part with {@code passive} as its passive part (null: none). */
    public HealthCheck withPassive(PassiveCheck passive) {
        return new HealthCheck(type, port, path, status, body, host, send, expect, interval, timeout, rise, fall, passive);
    }

    /** A check of this type with every other setting at its default. */
    public static HealthCheck of(CheckType type) {
        return new HealthCheck(type, 0, "/", 200, null, null, "", null, DEFAULT_INTERVAL, DEFAULT_TIMEOUT,
                DEFAULT_RISE, DEFAULT_FALL);
    }

    /** {@code type=http,path=/,status=200,...}: {@code type} is required, every other key has its default. */
    public static HealthCheck parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String item : text.split(",", -1)) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + item + "' is not key=value (keys: " + String.join(", ", KEYS) + ")");
            }
            if (fields.put(item.substring(0, eq).strip().toLowerCase(Locale.ROOT), item.substring(eq + 1)) != null) {
                throw new IllegalArgumentException("'" + item.substring(0, eq) + "' given twice");
            }
        }
        return of(fields);
    }

    /** From keys and values as text (the YAML mapping or the command line); throws naming the key at fault. */
    public static HealthCheck of(Map<String, String> fields) {
        for (String key : fields.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (keys: " + String.join(", ", KEYS) + ")");
            }
        }
        PassiveCheck passive = passive(fields);
        String typeName = fields.get("type");
        if (typeName == null) {
            if (passive == null) {
                throw new IllegalArgumentException("type is required (tcp, http, udp or icmp), or passive=FAILURES/INTERVAL");
            }
            for (String key : fields.keySet()) {
                if (!PASSIVE_KEYS.contains(key)) {
                    throw new IllegalArgumentException("key '" + key + "' needs a type (it belongs to an active check;"
                            + " the passive check's interval is passive=FAILURES/INTERVAL)");
                }
            }
            HealthCheck d = of(CheckType.TCP);
            return new HealthCheck(null, 0, d.path, d.status, null, null, "", null, d.interval, d.timeout, d.rise, d.fall,
                    passive);
        }
        CheckType type = CheckType.byName(typeName.strip().toLowerCase(Locale.ROOT));
        for (String key : fields.keySet()) {
            if (!key.equals("type") && !COMMON_KEYS.contains(key) && !PASSIVE_KEYS.contains(key)
                    && !OWN_KEYS.get(type).contains(key)) {
                throw new IllegalArgumentException("key '" + key + "' does not apply to a " + type.configName() + " check");
            }
        }
        HealthCheck d = of(type);
        Duration interval = duration(fields, "interval", d.interval);
        Duration timeout = fields.containsKey("timeout") ? duration(fields, "timeout", d.timeout)
                : interval.compareTo(d.timeout) < 0 ? interval : d.timeout; // a short interval shortens the default timeout
        return new HealthCheck(type, number(fields, "port", 0), fields.getOrDefault("path", d.path),
                number(fields, "status", d.status), fields.get("body"), fields.get("host"),
                fields.getOrDefault("send", d.send), fields.get("expect"), interval, timeout,
                number(fields, "rise", d.rise), number(fields, "fall", d.fall), passive);
    }

    /** The passive part from {@code passive}, {@code backoff} and {@code max_backoff}; null without {@code passive}. */
    private static PassiveCheck passive(Map<String, String> fields) {
        if (!fields.containsKey("passive")) {
            for (String key : List.of("backoff", "max_backoff")) {
                if (fields.containsKey(key)) {
                    throw new IllegalArgumentException(key + " needs a passive check (passive=FAILURES/INTERVAL)");
                }
            }
            return null;
        }
        return PassiveCheck.of(fields.get("passive"), fields.get("backoff"), fields.get("max_backoff"));
    }

    /** The settings that differ from the defaults, as {@link #parse} reads them back: what {@code -S} prints. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        if (active()) {
            Map<String, String> defaults = of(type).fields();
            sb.append("type=").append(type.configName());
            for (Map.Entry<String, String> e : fields().entrySet()) {
                if (!e.getKey().equals("type") && !PASSIVE_KEYS.contains(e.getKey())
                        && !e.getValue().equals(defaults.get(e.getKey()))) {
                    sb.append(',').append(e.getKey()).append('=').append(e.getValue());
                }
            }
        }
        if (passive != null) {
            Map<String, String> p = passive.fields();
            Map<String, String> defaults = PassiveCheck.of(p.get("passive"), null, null).fields();
            sb.append(sb.isEmpty() ? "" : ",").append("passive=").append(p.get("passive"));
            if (!p.get("backoff").equals(defaults.get("backoff"))) {
                sb.append(",backoff=").append(p.get("backoff"));
            }
            // a backoff above the default max_backoff raises it: compare with what parsing the rest gives
            String impliedMax = PassiveCheck.of(p.get("passive"), p.get("backoff"), null).fields().get("max_backoff");
            if (!p.get("max_backoff").equals(impliedMax)) {
                sb.append(",max_backoff=").append(p.get("max_backoff"));
            }
        }
        return sb.toString();
    }

    /** Every setting that applies to this type, as text (for listings and JSON). */
    public Map<String, String> fields() {
        if (!active()) {
            return passive.fields();
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("type", type.configName());
        Set<String> own = OWN_KEYS.get(type);
        if (own.contains("port")) m.put("port", Integer.toString(port));
        if (own.contains("path")) {
            m.put("path", path);
            m.put("status", Integer.toString(status));
            if (body != null) m.put("body", body);
            if (host != null) m.put("host", host);
        }
        if (own.contains("send")) {
            m.put("send", send);
            if (expect != null) m.put("expect", expect);
        }
        m.put("interval", text(interval));
        m.put("timeout", text(timeout));
        m.put("rise", Integer.toString(rise));
        m.put("fall", Integer.toString(fall));
        if (passive != null) {
            m.putAll(passive.fields());
        }
        return m;
    }

    /** A duration as the settings write it: whole seconds as {@code 2s}, otherwise milliseconds {@code 500ms}. */
    static String text(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    /** {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}, or a bare number of seconds as keepalived writes them. */
    static Duration duration(Map<String, String> fields, String key, Duration defaultValue) {
        String v = fields.get(key);
        if (v == null) {
            return defaultValue;
        }
        String t = v.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.endsWith("ms")) d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            else if (t.endsWith("s")) d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            else if (t.endsWith("m")) d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            else if (t.endsWith("h")) d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            else d = Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException | ArithmeticException e) { // not a number, or minutes beyond a Duration
            throw new IllegalArgumentException(key + " '" + v + "' is not a duration (e.g. 500ms, 2s, 1m)");
        }
        // every setting has a range well below this; beyond it the range message could not print the value
        if (d.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(key + " '" + v + "' is too long (at most " + LONGEST.toDays() + " days)");
        }
        return d;
    }

    private static final Duration LONGEST = Duration.ofDays(365);

    private static int number(Map<String, String> fields, String key, int defaultValue) {
        String v = fields.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + v + "' is not a number");
        }
    }

    private static boolean printable(String s, boolean spaces) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (!spaces && c == ' ')) {
                return false;
            }
        }
        return true;
    }
}
