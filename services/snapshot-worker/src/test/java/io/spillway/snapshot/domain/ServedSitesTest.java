package io.spillway.snapshot.domain;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServedSitesTest {

    private static final Set<String> ROOTED = Set.of("onprem", "cloud");

    @Test
    void servesOnlyTheSitesItNames() {
        ServedSites cloud = ServedSites.of(List.of("cloud"), ROOTED);

        assertTrue(cloud.serves("cloud"));
        assertFalse(cloud.serves("onprem"), "a site with a root is still another worker's unless served");
        assertFalse(cloud.serves("mars"));
        assertFalse(cloud.serves(null));
        assertEquals(Set.of("cloud"), cloud.sites());
    }

    @Test
    void oneWorkerMayServeSeveralSites() {
        ServedSites both = ServedSites.of(List.of("onprem", " cloud "), ROOTED);

        assertTrue(both.serves("onprem"));
        assertTrue(both.serves("cloud"));
        assertEquals("[cloud, onprem]", both.toString());
    }

    @Test
    void refusesToStartForASiteWithoutARootNamingTheSettings() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServedSites.of(List.of("cloud", "edge"), ROOTED));

        assertTrue(error.getMessage().contains("spillway.snapshot.serves names 'edge'"), error.getMessage());
        assertTrue(error.getMessage().contains("spillway.snapshot.sites.edge.root"), error.getMessage());
        assertFalse(error.getMessage().contains("'cloud'"), error.getMessage());
    }

    @Test
    void refusesToStartServingNoSite() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> ServedSites.of(List.of(" "), ROOTED));

        assertTrue(error.getMessage().contains("spillway.snapshot.serves names no site"), error.getMessage());
    }
}
