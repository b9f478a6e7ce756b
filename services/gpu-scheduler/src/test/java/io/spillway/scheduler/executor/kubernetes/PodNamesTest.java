package io.spillway.scheduler.executor.kubernetes;

import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PodNamesTest {

    static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    static final Pattern LABEL_VALUE = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");

    @Test
    void keepsAUuidJobIdAsItIs() {
        String jobId = "3f2b6c1e-8a4d-4e0b-9c7a-1d2e3f4a5b6c";
        assertEquals("spillway-" + jobId + "-1", PodNames.pod(jobId, 1));
        assertEquals(jobId, PodNames.labelValue(jobId));
    }

    @Test
    void makesAnyJobIdASafePodNameThatKeepsTheWorkerAndTellsIdsApart() {
        String longId = "Team_A/" + "x".repeat(80);
        String name = PodNames.pod(longId, 12);

        assertTrue(DNS_LABEL.matcher(name).matches(), name);
        assertTrue(name.startsWith("spillway-team-a-xxx"), name);
        assertTrue(name.endsWith("-12"), name);
        assertNotEquals(name, PodNames.pod("Team_A/" + "x".repeat(81), 12));
        assertNotEquals(PodNames.pod("Job.A", 0), PodNames.pod("job-a", 0), "a changed name carries a hash");
    }

    @Test
    void makesAnyTextAValidLabelValue() {
        for (String text : new String[] { "-odd-", "a b/c", "é", "x".repeat(100) }) {
            String value = PodNames.labelValue(text);
            assertTrue(LABEL_VALUE.matcher(value).matches(), text + " -> " + value);
        }
    }
}
