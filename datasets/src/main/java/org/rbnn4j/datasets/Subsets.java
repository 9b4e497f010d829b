package org.rbnn4j.datasets;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Subset selection: the first N images, or a seeded class-stratified sample (the trainers' 2,000 or
 * 3,000-image subsets keep the class balance of the full set).
 */
public final class Subsets {
    private Subsets() {
    }

    /** The first {@code n} images (all if fewer). */
    public static Dataset first(Dataset dataset, int n) {
        if (n < 0) {
            throw new IllegalArgumentException("subset size must be >= 0, got " + n);
        }
        int m = Math.min(n, dataset.size());
        int[] idx = new int[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        return new SubsetDataset(dataset, idx, dataset.name() + "[first " + m + "]");
    }

    /** See {@link Dataset#stratifiedSubset(int, long)}. */
    public static Dataset stratified(Dataset dataset, int n, long seed) {
        int[] idx = stratifiedIndices(dataset.labels(), dataset.numClasses(), n, seed);
        return new SubsetDataset(dataset, idx, dataset.name() + "[stratified " + idx.length + ", seed " + seed + "]");
    }

    /**
     * Indices of a stratified sample of {@code n} items (sorted ascending). Each class gets
     * {@code n * count_c / total} items rounded by largest remainder (ties to the lower class index);
     * within a class the items are a seeded uniform sample without replacement.
     */
    public static int[] stratifiedIndices(int[] labels, int numClasses, int n, long seed) {
        int total = labels.length;
        if (n < 0) {
            throw new IllegalArgumentException("subset size must be >= 0, got " + n);
        }
        if (n >= total) {
            int[] all = new int[total];
            for (int i = 0; i < total; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] counts = new int[numClasses];
        for (int label : labels) {
            counts[label]++;
        }
        int[][] members = new int[numClasses][];
        int[] fill = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            members[c] = new int[counts[c]];
        }
        for (int i = 0; i < total; i++) {
            int c = labels[i];
            members[c][fill[c]++] = i;
        }
        // Largest-remainder quotas: floor of the exact share, then one more for the largest remainders.
        int[] quota = new int[numClasses];
        long[] remainder = new long[numClasses];
        int assigned = 0;
        for (int c = 0; c < numClasses; c++) {
            long exact = (long) n * counts[c];
            quota[c] = (int) (exact / total);
            remainder[c] = exact % total;
            assigned += quota[c];
        }
        while (assigned < n) {
            int best = -1;
            for (int c = 0; c < numClasses; c++) {
                if (quota[c] < counts[c] && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            quota[best]++;
            remainder[best] = -1;
            assigned++;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] out = new int[n];
        int k = 0;
        for (int c = 0; c < numClasses; c++) {
            int[] m = members[c];
            // Partial Fisher-Yates: the first quota[c] slots become a uniform sample.
            for (int i = 0; i < quota[c]; i++) {
                int j = i + random.nextInt(m.length - i);
                int t = m[i];
                m[i] = m[j];
                m[j] = t;
                out[k++] = m[i];
            }
        }
        Arrays.sort(out);
        return out;
    }
}
