package io.spillway.snapshot.s3;

import java.util.HashMap;
import java.util.Map;

import io.spillway.testing.PlatformTestResource;

/** The shared platform, with a secret key s3proxy does not accept. */
public class WrongS3SecretResource extends PlatformTestResource {

    static final String WRONG_SECRET = "not-the-s3proxy-secret";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = new HashMap<>(super.start());
        config.put("spillway.s3.secret-key", WRONG_SECRET);
        return config;
    }
}
