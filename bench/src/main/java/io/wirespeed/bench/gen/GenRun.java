package io.wirespeed.bench.gen;

import io.wirespeed.core.os.Libc;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One wsgen run: resolves addresses, starts the receiving thread and waits until its port is
 * open, runs the sending thread, lets late frames drain, and collects the result.
 */
final class GenRun {
    private static final long RX_OPEN_TIMEOUT_MS = 10_000;

    private final GenOptions options;

    GenRun(GenOptions options) {
        this.options = options;
    }

    GenResult run() throws InterruptedException {
        checkEnvironment();
        NextHop resolver = new NextHop(options.txNetns());
        IpAddr src = options.srcIp();
        long dstMac = options.dstMac();
        if (src == null || dstMac < 0) {
            NextHop.Route route = resolver.route(options.dstIp());
            if (src == null) {
                src = route.src();
            }
            if (dstMac < 0) {
                if (!route.dev().equals(options.txDev())) {
                    throw new IllegalStateException("the route to " + options.dstIp() + " leaves by " + route.dev() + ", not --tx-dev "
                            + options.txDev() + ": give --dst-mac (and --src-ip)");
                }
                dstMac = resolver.mac(route.nextHop(), route.dev());
            }
        }
        if (options.vary() == UdpStream.Vary.ADDR && !src.fitsPlus(options.flows())) {
            throw new IllegalArgumentException("source address " + src + " with --flows " + options.flows()
                    + " wraps around the last 32 bits: give another --src-ip");
        }
        int run = ThreadLocalRandom.current().nextInt(1 << 16);
        Receiver receiver = null;
        Thread rxThread = null;
        if (options.receives()) {
            receiver = new Receiver(options.rxNetns(), options.rxDev(), options.rxCpu(), run, options.dstPort(), options.dstIp().v6());
            rxThread = Thread.ofPlatform().name("wsgen-rx").start(receiver);
            if (!receiver.awaitReady(RX_OPEN_TIMEOUT_MS)) {
                throw new IllegalStateException("the receiver did not open " + options.rxDev() + " within " + RX_OPEN_TIMEOUT_MS + " ms");
            }
            if (receiver.failure() != null) {
                rxThread.join();
                throw failed("receive on " + options.rxDev(), receiver.failure());
            }
        }
        Sender sender = new Sender(options, dstMac, src, run, receiver);
        Thread txThread = Thread.ofPlatform().name("wsgen-tx").start(sender);
        txThread.join();
        if (receiver != null) {
            receiver.stopAt(System.nanoTime() + options.drainMs() * 1_000_000L);
            rxThread.join();
        }
        if (sender.failure() != null) {
            throw failed("send on " + options.txDev(), sender.failure());
        }
        if (receiver != null && receiver.failure() != null) {
            throw failed("receive on " + options.rxDev(), receiver.failure());
        }
        long[] latency = new long[5];
        if (receiver != null) {
            LatencyHistogram h = receiver.latency();
            latency = new long[] {h.percentile(0.5), h.percentile(0.9), h.percentile(0.99), h.percentile(0.999), h.max()};
        }
        return new GenResult(options.frameSize(), options.flows(), options.ratePps(), sender.seconds(), sender.sent(),
                sender.ringDrops(), receiver != null, receiver == null ? 0 : receiver.received(),
                receiver == null ? 0 : receiver.corrupt(), receiver == null ? 0 : receiver.reordered(),
                receiver == null ? 0 : receiver.kernelDrops(), receiver == null ? 0 : receiver.foreign(), latency);
    }

    /** Checks what can be checked before any thread starts: namespaces exist, CPUs are ours. */
    private void checkEnvironment() {
        if (options.txNetns() != null) {
            Netns.check(options.txNetns());
        }
        if (options.rxNetns() != null) {
            Netns.check(options.rxNetns());
        }
        int[] cpus = Libc.allowedCpus();
        for (int cpu : new int[] {options.txCpu(), options.rxCpu()}) {
            if (cpu >= 0 && Arrays.stream(cpus).noneMatch(c -> c == cpu)) {
                throw new IllegalArgumentException("CPU " + cpu + " is not one this process may run on " + Arrays.toString(cpus));
            }
        }
    }

    private static RuntimeException failed(String what, Throwable cause) {
        return new IllegalStateException("cannot " + what + ": " + cause.getMessage(), cause);
    }
}
