package io.wirespeed.lb.service;

/** Per-second rates ({@code ipvsadm -L --rate}): connections, packets and bytes in each direction. */
public record Rates(long cps, long inPps, long outPps, long inBps, long outBps) {}
