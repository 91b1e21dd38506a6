package io.wirespeed.control.daemon;

import io.wirespeed.control.api.Args;
import io.wirespeed.control.api.CommandException;
import io.wirespeed.control.api.CommandRegistry;
import io.wirespeed.control.health.HealthCheck;
import io.wirespeed.control.health.HealthChecker;
import io.wirespeed.lb.service.LbException;
import io.wirespeed.lb.service.ServiceKey;

/**
 * {@code wsctl lb --health-check -t VIP:PORT type=http,...} and {@code --health-check ... off}: sets or
 * removes a service's health check. The service is named as {@code lb.*} commands name it
 * ({@code proto, vip, port}); {@code check} is the text form of {@link HealthCheck}.
 */
public final class HealthCommands {
    private final HealthChecker health;

    public HealthCommands(HealthChecker health) {
        this.health = health;
    }

    public void register(CommandRegistry r) {
        r.register("lb.health.set", a -> {
            Args.allowOnly(a, "proto", "vip", "port", "check");
            ServiceKey key = LbCommands.key(a);
            HealthCheck check;
            try {
                check = HealthCheck.parse(Args.string(a, "check"));
            } catch (IllegalArgumentException e) {
                throw new CommandException("health check: " + e.getMessage());
            }
            try {
                health.set(key, check);
            } catch (LbException e) {
                throw new CommandException(e.getMessage());
            }
            return null;
        });
        r.register("lb.health.del", a -> {
            Args.allowOnly(a, "proto", "vip", "port");
            try {
                if (!health.remove(LbCommands.key(a))) {
                    throw new CommandException("No health check for this service");
                }
            } catch (LbException e) {
                throw new CommandException(e.getMessage());
            }
            return null;
        });
    }
}
