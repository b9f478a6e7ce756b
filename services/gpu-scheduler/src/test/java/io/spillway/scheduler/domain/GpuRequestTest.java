package io.spillway.scheduler.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GpuRequestTest {

    @Test
    void readsAWholeNumberAsWholeGpusAndLessThanOneAsAShare() {
        assertEquals(new GpuRequest.Whole(2), GpuRequest.of(2.0, null));
        assertEquals(new GpuRequest.Shared(0.5), GpuRequest.of(0.5, null));
        assertEquals(new GpuRequest.Memory(40960), GpuRequest.of(null, 40960));
    }

    @Test
    void refusesAGpuCountThatIsNeitherAShareNorWhole() {
        InvalidGpuRequest error = assertThrows(InvalidGpuRequest.class, () -> GpuRequest.of(1.5, null));
        assertTrue(error.getMessage().contains("gpu 1.5 is neither a share of one GPU"), error.getMessage());
    }

    @Test
    void refusesAJobThatAsksForNoGpuOrForBothKinds() {
        assertThrows(InvalidGpuRequest.class, () -> GpuRequest.of(null, null));
        assertThrows(InvalidGpuRequest.class, () -> GpuRequest.of(1.0, 1024));
    }

    @Test
    void writesSharesTheWayPeopleDo() {
        assertEquals("0.3", PendingReasons.share(0.1 + 0.2));
        assertEquals("0.25", PendingReasons.share(0.25));
        assertEquals("0", PendingReasons.share(0));
    }
}
