/**
 * Longest-prefix-match route tables: {@link io.wirespeed.net.lpm.Lpm4} (DIR-24-8) and
 * {@link io.wirespeed.net.lpm.Lpm6} (16-bit root, then 8-bit groups). A route maps a prefix to a
 * next hop, an int the routing layer uses as an index into its next-hop table.
 *
 * <p>How the daemon uses them:
 * <ul>
 *   <li>Workers call {@code lookup} per packet: two reads at most for IPv4, no allocation, no
 *       exception, no lock.</li>
 *   <li>The master thread, and only it, calls {@code add}, {@code remove}, {@code forEach},
 *       {@code size} and {@code reclaim}. Bad routes are refused with IllegalArgumentException, a
 *       full table with IllegalStateException; both leave the table as it was.</li>
 *   <li>After removes, the master calls {@code reclaim()} once every worker has finished a loop
 *       iteration that began after the removes, so groups a worker might still be reading are
 *       never reused under it.</li>
 *   <li>{@code close()} only after the workers are stopped.</li>
 * </ul>
 */
package io.wirespeed.net.lpm;
