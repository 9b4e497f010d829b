package org.rbnn4j.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SubsetsTest {

    static ByteImageDataset dataset(byte[] labels) {
        byte[] px = new byte[labels.length * 4];
        for (int i = 0; i < labels.length; i++) {
            px[i * 4] = (byte) i;
        }
        return new ByteImageDataset("d", "memory", new ImageShape(1, 2, 2), px, labels, ClassNames.MNIST);
    }

    static byte[] balanced(int n) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) (i % 10);
        }
        return l;
    }

    @Test
    void firstN() {
        Dataset d = dataset(balanced(50)).first(7);
        assertThat(d.size()).isEqualTo(7);
        assertThat(d.labels()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(d.image(6).data()[0]).isEqualTo(6 / 255f);
        assertThat(dataset(balanced(5)).first(100).size()).isEqualTo(5);
    }

    @Test
    void stratifiedKeepsClassBalanceAndIsSeeded() {
        ByteImageDataset full = dataset(balanced(1000));
        Dataset a = full.stratifiedSubset(200, 3);
        Dataset b = full.stratifiedSubset(200, 3);
        Dataset c = full.stratifiedSubset(200, 4);
        assertThat(a.size()).isEqualTo(200);
        assertThat(a.classCounts()).containsOnly(20);
        assertThat(a.labels()).containsExactly(b.labels());
        int[] ia = Subsets.stratifiedIndices(full.labels(), 10, 200, 3);
        int[] ic = Subsets.stratifiedIndices(full.labels(), 10, 200, 4);
        assertThat(ia).isSorted().doesNotHaveDuplicates().isNotEqualTo(ic);
        assertThat(c.classCounts()).containsOnly(20);
        // Views read through to the base images.
        assertThat(a.image(0).data()[0]).isEqualTo((ia[0] & 0xFF) / 255f);
    }

    @Test
    void unbalancedClassesGetProportionalLargestRemainderQuotas() {
        // 60 of class 0, 30 of class 1, 10 of class 2; 15 items -> exact shares 9, 4.5, 1.5 -> 9, 5, 1 (tie to lower class).
        byte[] l = new byte[100];
        for (int i = 60; i < 90; i++) {
            l[i] = 1;
        }
        for (int i = 90; i < 100; i++) {
            l[i] = 2;
        }
        Dataset s = dataset(l).stratifiedSubset(15, 0);
        int[] counts = s.classCounts();
        assertThat(counts[0] + counts[1] + counts[2]).isEqualTo(15);
        assertThat(List.of(counts[0], counts[1], counts[2])).containsExactly(9, 5, 1);
    }

    @Test
    void subsetLargerThanTheSetIsTheWholeSet() {
        assertThat(dataset(balanced(30)).stratifiedSubset(100, 1).size()).isEqualTo(30);
    }
}
