/**
 * SYN proxy building blocks (issue 6): SYN cookies as Linux makes them ({@link io.wirespeed.lb.synproxy.SynCookies})
 * and the keyed hash they and full NAT's initial sequence numbers use ({@link io.wirespeed.lb.synproxy.SipHash13}).
 * The packet path that answers SYNs with cookies and opens the server side after a valid ACK is not built yet.
 */
package io.wirespeed.lb.synproxy;
