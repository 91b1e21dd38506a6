/**
 * Delivering the client's address to real servers in full NAT, where the server sees the
 * balancer's local address as the source: the TOA TCP option ({@link io.wirespeed.lb.clientaddr.Toa}),
 * the proxy protocol header in front of the client's first bytes
 * ({@link io.wirespeed.lb.clientaddr.ProxyProtocol}), and the sequence number shift that inserting
 * bytes into the stream requires for the rest of the connection
 * ({@link io.wirespeed.lb.clientaddr.SeqAdjust}).
 *
 * <p>Every public method here runs per packet: it works in place on a {@link
 * io.wirespeed.core.pool.PacketPool} buffer, allocates nothing, never throws, and answers a packet it
 * cannot handle (truncated, not TCP, no room) with {@code false} or {@code 0}, leaving the packet
 * unchanged. docs/client-address.md says when the load balancer calls what.
 */
package io.wirespeed.lb.clientaddr;
