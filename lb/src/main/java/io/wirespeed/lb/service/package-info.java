/**
 * Virtual services, real servers and local-address pools as the control plane manages them
 * ({@link io.wirespeed.lb.service.ServiceTable}, driven by {@code wsctl lb} and the config file), and
 * the immutable {@link io.wirespeed.lb.service.LbSnapshot} the data path reads: services sorted by
 * key, each with its real servers, a scheduler plan built once per change, its local addresses and
 * the per-worker {@link io.wirespeed.lb.service.TrafficCounters} the data path increments.
 */
package io.wirespeed.lb.service;
