package io.spillway.snapshot.api;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import io.spillway.testing.PlatformTestResource;

/**
 * The shared platform with a bucket of this test class's own, new each run ({@code bucket} names its prefix): a test
 * that damages the repository on purpose, or checks that nothing is damaged, must not see other classes' snapshots or
 * leave its damage to them. The database is emptied at every start anyway.
 */
public class OwnBucketPlatform extends PlatformTestResource {

    private String prefix = "own";

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("bucket", prefix);
    }

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("spillway.s3.bucket", prefix + "-" + UUID.randomUUID().toString().substring(0, 8));
        config.put("spillway.s3.create-bucket", "true");
        return config;
    }
}
