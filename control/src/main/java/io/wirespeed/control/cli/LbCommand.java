package io.wirespeed.control.cli;

import static io.wirespeed.control.cli.LbOption.*;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The commands of {@code wsctl lb}, each with the options it requires and the ones it allows, as
 * ipvsadm's table of legal combinations has them (plus DPVS's local-address commands).
 */
enum LbCommand {
    ADD_SERVICE("add-service", 'A', List.of(SERVICE), List.of(SCHEDULER, PERSISTENT, NETMASK, SCHED_FLAGS, PROXY_PROTOCOL, SYNPROXY)),
    EDIT_SERVICE("edit-service", 'E', List.of(SERVICE), List.of(SCHEDULER, PERSISTENT, NETMASK, SCHED_FLAGS, PROXY_PROTOCOL, SYNPROXY)),
    DELETE_SERVICE("delete-service", 'D', List.of(SERVICE), List.of()),
    CLEAR("clear", 'C', List.of(), List.of()),
    LIST("list", 'L', List.of(), List.of(NUMERIC, CONNECTION, SERVICE, TIMEOUT, STATS, RATE, THRESHOLDS, NOSORT, EXACT)),
    ADD_SERVER("add-server", 'a', List.of(SERVICE, SERVER), List.of(FORWARD, WEIGHT, UPPER, LOWER)),
    EDIT_SERVER("edit-server", 'e', List.of(SERVICE, SERVER), List.of(FORWARD, WEIGHT, UPPER, LOWER)),
    DELETE_SERVER("delete-server", 'd', List.of(SERVICE, SERVER), List.of()),
    SET("set", '\0', List.of(), List.of()),
    RESTORE("restore", 'R', List.of(), List.of()),
    SAVE("save", 'S', List.of(), List.of(NUMERIC)),
    ZERO("zero", 'Z', List.of(), List.of(SERVICE)),
    ADD_LADDR("add-laddr", '\0', List.of(SERVICE, LADDR), List.of(IFNAME, STANDBY)),
    DEL_LADDR("del-laddr", '\0', List.of(SERVICE, LADDR), List.of(IFNAME)),
    GET_LADDR("get-laddr", '\0', List.of(SERVICE), List.of(NUMERIC)),
    /** Ours: {@code --health-check -t VIP:PORT type=http,...|off} sets or removes the service's health check. */
    HEALTH_CHECK("health-check", '\0', List.of(SERVICE), List.of()),
    HELP("help", 'h', List.of(), List.of());

    final String label;
    final char letter;
    final Set<LbOption> required;
    final Set<LbOption> allowed;

    LbCommand(String label, char letter, List<LbOption> required, List<LbOption> optional) {
        this.label = label;
        this.letter = letter;
        this.required = required.isEmpty() ? EnumSet.noneOf(LbOption.class) : EnumSet.copyOf(required);
        this.allowed = EnumSet.copyOf(this.required);
        this.allowed.addAll(optional);
        if (allowed.contains(SERVICE)) {
            allowed.add(MATCH); // a SNAT service is named by its match wherever a service is named
        }
    }

    /** {@code -l} lists too; {@code --list}, {@code --add-service}... are the long forms. */
    static LbCommand byOption(String option) {
        for (LbCommand c : values()) {
            if (option.equals("--" + c.label) || (c.letter != '\0' && option.equals("-" + c.letter))) {
                return c;
            }
        }
        return switch (option) {
            case "-l" -> LIST;
            case "--delete-laddr" -> DEL_LADDR;
            default -> null;
        };
    }
}
