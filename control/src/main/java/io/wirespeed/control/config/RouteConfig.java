package io.wirespeed.control.config;

import io.wirespeed.control.addr.Cidr;
import java.net.InetAddress;
import java.util.Optional;

/** A static route; at least one of {@code via} and {@code dev} is present. */
public record RouteConfig(Cidr to, Optional<InetAddress> via, Optional<String> dev) {}
