package org.rbnn4j.tornado.resident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The arena's region bookkeeping, on the host alone: first fit, identity lookup, reclaiming collected arrays. */
class ArenaRegionsTest {

    @Test
    void regionsAreFoundByIdentityAndPlacedFirstFit() {
        ArenaRegions regions = new ArenaRegions(100);
        float[] a = new float[30];
        float[] b = new float[30]; // equal contents, another array
        ArenaRegions.Region ra = regions.allocate(a);
        ArenaRegions.Region rb = regions.allocate(b);
        assertThat(ra.offset).isZero();
        assertThat(rb.offset).isEqualTo(30);
        assertThat(regions.find(a)).isSameAs(ra);
        assertThat(regions.find(b)).isSameAs(rb);
        assertThat(regions.find(new float[30])).isNull();
        assertThat(regions.allocate(new float[41])).as("41 floats in the 40 left").isNull();
        float[] c = new float[40];
        assertThat(regions.allocate(c).offset).isEqualTo(60);
        assertThat(regions.freeFloats()).isZero();
        assertThat(regions.live()).isEqualTo(3);
        assertThat(ra.state).isEqualTo(ArenaRegions.State.HOST_NEWER);
    }

    @Test
    void onlyLiveDeviceNewerArraysAreListedForTheHost() {
        ArenaRegions regions = new ArenaRegions(100);
        float[] a = new float[10];
        float[] b = new float[10];
        regions.allocate(a).state = ArenaRegions.State.DEVICE_NEWER;
        regions.allocate(b).state = ArenaRegions.State.IN_SYNC;
        assertThat(regions.deviceNewer()).containsExactly(a);
    }

    @Test
    void regionsOfCollectedArraysAreFreedAndTheirSpansMerged() {
        ArenaRegions regions = new ArenaRegions(90);
        float[] keep = new float[30];
        List<float[]> dropped = new ArrayList<>(List.of(new float[30], new float[30]));
        regions.allocate(dropped.get(0)).state = ArenaRegions.State.DEVICE_NEWER;
        regions.allocate(dropped.get(1));
        regions.allocate(keep).state = ArenaRegions.State.DEVICE_NEWER;
        assertThat(regions.allocate(new float[1])).as("full").isNull();

        dropped.clear(); // the step ends: nobody holds its arrays any more
        int freed = 0;
        for (int attempt = 0; attempt < 10 && freed < 2; attempt++) {
            freed += regions.collectGarbage(200);
        }
        assertThat(freed).as("regions reclaimed").isEqualTo(2);
        assertThat(regions.reclaimed()).isEqualTo(2);
        assertThat(regions.live()).isEqualTo(1);
        assertThat(regions.freeFloats()).isEqualTo(60);
        // The two freed neighbours are one span again: 60 floats fit where two regions of 30 were.
        float[] big = new float[60];
        assertThat(regions.allocate(big).offset).isZero();
        assertThat(regions.deviceNewer()).as("the collected device-newer array is not brought home").containsExactly(keep);
        assertThat(regions.find(keep).offset).isEqualTo(60);
    }

    @Test
    void clearingForgetsEveryRegion() {
        ArenaRegions regions = new ArenaRegions(50);
        float[] a = new float[50];
        regions.allocate(a);
        regions.clear(80);
        assertThat(regions.find(a)).isNull();
        assertThat(regions.capacity()).isEqualTo(80);
        assertThat(regions.freeFloats()).isEqualTo(80);
        assertThat(regions.allocate(a).offset).isZero();
    }

    @Test
    void emptyArraysNeedNoSpace() {
        ArenaRegions regions = new ArenaRegions(10);
        regions.allocate(new float[10]);
        float[] empty = new float[0];
        assertThat(regions.allocate(empty)).isNotNull();
        assertThat(regions.find(empty).length).isZero();
    }
}
