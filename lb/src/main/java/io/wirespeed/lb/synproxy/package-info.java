/**
 * SYN proxy building blocks: SYN cookies as Linux makes them ({@link io.wirespeed.lb.synproxy.SynCookies}),
 * the keyed hash they and full NAT's initial sequence numbers use ({@link io.wirespeed.lb.synproxy.SipHash13}),
 * the handshake options a proxy reads and writes ({@link io.wirespeed.lb.synproxy.HandshakeOptions}) and the
 * timestamp translation between the two ends' clocks ({@link io.wirespeed.lb.synproxy.TimestampShift}). The
 * packet path that uses them is {@code io.wirespeed.lb.path.SynProxy}.
 */
package io.wirespeed.lb.synproxy;
