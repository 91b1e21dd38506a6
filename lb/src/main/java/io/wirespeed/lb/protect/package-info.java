/**
 * Protection of virtual services: black and white lists (addresses, prefixes, ipsets) and token
 * bucket rate limits, as DPVS has them. The control plane changes a {@link io.wirespeed.lb.protect.ProtectTable},
 * which publishes an immutable {@link io.wirespeed.lb.protect.ProtectSnapshot}; each worker's
 * {@link io.wirespeed.lb.protect.Guard} checks packets against it without allocating.
 */
package io.wirespeed.lb.protect;
