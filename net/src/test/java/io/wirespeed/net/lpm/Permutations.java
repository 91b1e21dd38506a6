package io.wirespeed.net.lpm;

import java.util.ArrayList;
import java.util.List;

/** All orderings of 0..n-1 (Heap's algorithm), for tests that must hold in every order. */
final class Permutations {
    private Permutations() {}

    static List<int[]> of(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        List<int[]> out = new ArrayList<>();
        permute(a, n, out);
        return out;
    }

    private static void permute(int[] a, int k, List<int[]> out) {
        if (k <= 1) {
            out.add(a.clone());
            return;
        }
        for (int i = 0; i < k - 1; i++) {
            permute(a, k - 1, out);
            int j = k % 2 == 0 ? i : 0;
            int tmp = a[j];
            a[j] = a[k - 1];
            a[k - 1] = tmp;
        }
        permute(a, k - 1, out);
    }
}
