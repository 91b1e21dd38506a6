package io.wirespeed.control.health;

import io.wirespeed.lb.service.RealServer;
import io.wirespeed.lb.service.ServiceEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The passive check of one service: a {@link PassiveHealth} per real server, fed the servers'
 * outcome counters from the service's current snapshot entry. Servers that join the service are
 * watched from the tick they appear (their earlier counts are not held against them), servers that
 * leave are forgotten. Runs on the health thread only; listings read {@link #health} from any thread.
 */
final class PassiveMonitor {
    /** One server's transition in one tick. */
    record Change(String server, PassiveHealth.Transition transition, PassiveHealth health) {}

    private final PassiveCheck check;
    private final Map<String, PassiveHealth> servers = new ConcurrentHashMap<>();

    PassiveMonitor(PassiveCheck check) {
        this.check = check;
    }

    PassiveCheck check() {
        return check;
    }

    /** Reads every server's counters in {@code entry} at {@code now}; returns the servers taken out or restored. */
    List<Change> tick(long now, ServiceEntry entry) {
        List<Change> changes = List.of();
        Set<String> present = new HashSet<>();
        for (int i = 0; i < entry.servers().size(); i++) {
            RealServer rs = entry.servers().get(i);
            var totals = entry.serverCounters().get(i).outcomes().totals();
            present.add(rs.key());
            PassiveHealth h = servers.get(rs.key());
            if (h == null) {
                servers.put(rs.key(), new PassiveHealth(check, totals));
                continue;
            }
            PassiveHealth.Transition t = h.update(now, totals);
            if (t != PassiveHealth.Transition.NONE) {
                if (changes.isEmpty()) {
                    changes = new ArrayList<>();
                }
                changes.add(new Change(rs.key(), t, h));
            }
        }
        servers.keySet().retainAll(present);
        return changes;
    }

    /** The passive health of one server, or null when it is not (yet) watched. */
    PassiveHealth health(String server) {
        return servers.get(server);
    }
}
