/**
 * The L4 load balancer (what DPVS is to LVS): virtual services, real servers, schedulers, the
 * per-worker connection table and the forwarding modes. Sub-packages by subsystem.
 */
package io.wirespeed.lb;
