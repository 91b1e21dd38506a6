package io.wirespeed.drivers.afxdp;

/**
 * The XDP program that steers every frame to the XSK of the queue it arrived on, written as raw
 * eBPF instructions so that no compiler or libxdp is needed:
 * <pre>
 *   return bpf_redirect_map(&amp;xsks, ctx-&gt;rx_queue_index, XDP_PASS);
 * </pre>
 * The XDP_PASS in the flags argument is what the helper returns when the map has no socket at that
 * index (Linux 5.3+), so frames of queues we do not serve still reach the kernel's stack.
 */
final class RedirectProgram {
    /** Shown by {@code bpftool prog} and {@code ip link}; also how we recognise our own program. */
    static final String NAME = "wirespeed_xsk";
    /** bpf_redirect_map is not a GPL-only helper, so the program can carry the project's license. */
    static final String LICENSE = "Apache-2.0";

    private static final int BPF_LDX_MEM_W = 0x61;     // dst = *(u32 *)(src + off)
    private static final int BPF_LD_IMM64 = 0x18;      // dst = imm64 (two slots)
    private static final int BPF_MOV64_IMM = 0xb7;     // dst = imm
    private static final int BPF_CALL = 0x85;
    private static final int BPF_EXIT = 0x95;
    private static final int BPF_PSEUDO_MAP_FD = 1;    // ld_imm64 src: imm is a map fd, the loader turns it into the map
    private static final int FUNC_REDIRECT_MAP = 51;
    private static final int XDP_PASS = 2;
    private static final int XDP_MD_RX_QUEUE_INDEX = 16; // offsetof(struct xdp_md, rx_queue_index)
    private static final int R1 = 1, R2 = 2, R3 = 3;

    private RedirectProgram() {}

    /** The program with {@code xskMapFd} wired in. */
    static long[] instructions(int xskMapFd) {
        return new long[] {
            insn(BPF_LDX_MEM_W, R2, R1, XDP_MD_RX_QUEUE_INDEX, 0), // r2 = ctx->rx_queue_index
            insn(BPF_LD_IMM64, R1, BPF_PSEUDO_MAP_FD, 0, xskMapFd), // r1 = &xsks
            0L,                                                   // upper half of the 64-bit immediate
            insn(BPF_MOV64_IMM, R3, 0, 0, XDP_PASS),              // r3 = XDP_PASS (action when no socket)
            insn(BPF_CALL, 0, 0, 0, FUNC_REDIRECT_MAP),           // r0 = bpf_redirect_map(r1, r2, r3)
            insn(BPF_EXIT, 0, 0, 0, 0),                           // return r0
        };
    }

    /** struct bpf_insn {u8 code; u8 dst:4, src:4; s16 off; s32 imm} as a little-endian u64. */
    static long insn(int code, int dst, int src, int off, int imm) {
        return (code & 0xffL) | (long) (dst & 0xf | (src & 0xf) << 4) << 8 | (off & 0xffffL) << 16 | (long) imm << 32;
    }
}
