package io.wirespeed.control.bgp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code wsctl bgp} and the metrics page show: whether BIRD took the last change, each VIP's
 * state, and counters since start. Immutable; the announcer publishes a new one after every step.
 *
 * @param bird           {@code ok} (BIRD took the last change), {@code error} or {@code starting}
 * @param lastError      the last failure, worded as logged ({@code connect /run/bird/bird.ctl: ...}), or empty
 * @param vips           every VIP of the load balancer with its {@link VipState}, in address order
 * @param announcements  VIPs BIRD started announcing, counted when it confirmed the change
 * @param withdrawals    VIPs BIRD stopped announcing, counted the same way
 * @param errors         failed attempts to reach BIRD or to have it take a change
 * @param reconfigurations changes BIRD took ({@code configure} answered with success)
 */
public record BgpStatus(String bird, String lastError, Map<String, VipState> vips, long announcements, long withdrawals,
                        long errors, long reconfigurations, String socket, String includeFile, List<String> protocols) {
    public BgpStatus {
        vips = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(vips));
        protocols = List.copyOf(protocols);
    }

    /** Where a VIP stands, from BIRD's point of view. */
    public enum VipState {
        /** BIRD confirmed the route: it is exported to the BGP peers. */
        ANNOUNCED("announced"),
        /** Healthy and written to the include file, but BIRD did not confirm it yet (unreachable or refusing). */
        PENDING("pending"),
        /** Healthy again, waiting out the hold-down before it is announced. */
        HOLD_DOWN("hold-down"),
        /** No real server can take new connections: not announced. */
        WITHDRAWN("withdrawn");

        private final String label;

        VipState(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** The JSON form of the control socket's {@code bgp.show} reply. */
    public Map<String, Object> toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bird", bird);
        out.put("last_error", lastError);
        out.put("socket", socket);
        out.put("include_file", includeFile);
        out.put("protocols", protocols);
        List<Object> list = new java.util.ArrayList<>();
        vips.forEach((vip, state) -> list.add(Map.of("vip", vip, "state", state.label())));
        out.put("vips", list);
        out.put("announcements", announcements);
        out.put("withdrawals", withdrawals);
        out.put("errors", errors);
        out.put("reconfigurations", reconfigurations);
        return out;
    }
}
