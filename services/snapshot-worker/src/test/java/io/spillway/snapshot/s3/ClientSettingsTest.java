package io.spillway.snapshot.s3;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where the worker's client sends a request, and with whose keys, as {@code spillway.s3.*} says. */
class ClientSettingsTest {

    @Test
    void pathStyleAccessPutsTheBucketInThePath() {
        SdkHttpRequest request = firstRequest(S3Settings.at("http://localhost:9000").withPathStyleAccess(true));

        assertEquals("localhost", request.host());
        assertEquals("/spillway/packs/ab", request.encodedPath());
    }

    @Test
    void virtualHostedAddressingPutsTheBucketInTheHostName() {
        SdkHttpRequest request = firstRequest(S3Settings.at("http://localhost:9000").withPathStyleAccess(false));

        assertEquals("spillway.localhost", request.host());
        assertEquals("/packs/ab", request.encodedPath());
    }

    @Test
    void withoutAnEndpointTheClientGoesToAwsS3OfTheRegion() {
        S3Settings aws = new S3Settings(Optional.empty(), "eu-west-1", Optional.of("AKIAEXAMPLE"),
                Optional.of("secret-example"), "spillway", false, false, "none", Optional.empty());

        SdkHttpRequest request = firstRequest(aws);

        assertEquals("https", request.protocol());
        assertEquals("spillway.s3.eu-west-1.amazonaws.com", request.host());
    }

    @Test
    void staticKeysSignEveryRequest() {
        SdkHttpRequest request = firstRequest(S3Settings.at("http://localhost:9000"));

        assertTrue(request.firstMatchingHeader("Authorization").orElseThrow().contains("Credential=test-access/"),
                request.headers().toString());
    }

    @Test
    void oneKeyWithoutTheOtherStopsTheWorkerNamingBoth() {
        var failure = assertThrows(IllegalStateException.class, () -> S3ClientProducer.builder(
                S3Settings.at("http://localhost:9000").withKeys(Optional.of("AKIAEXAMPLE"), Optional.empty())));

        assertTrue(failure.getMessage().startsWith("spillway.s3.access-key is set but spillway.s3.secret-key is not"),
                failure.getMessage());
    }

    /** The first request the worker's client would send for a GET of {@code packs/ab}, stopped before it leaves. */
    private static SdkHttpRequest firstRequest(S3Settings settings) {
        AtomicReference<SdkHttpRequest> sent = new AtomicReference<>();
        S3ClientBuilder builder = S3ClientProducer.builder(settings);
        builder.overrideConfiguration(builder.overrideConfiguration().toBuilder()
                .addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeTransmission(Context.BeforeTransmission context,
                            ExecutionAttributes executionAttributes) {
                        sent.set(context.httpRequest());
                        throw new Stopped();
                    }
                }).build());
        try (S3Client s3 = builder.build()) {
            assertThrows(Stopped.class, () -> s3.getObject(request -> request.bucket(settings.bucket()).key("packs/ab"),
                    (response, in) -> null));
        }
        return sent.get();
    }

    /** Ends a request before it is sent. */
    private static final class Stopped extends RuntimeException {
    }
}
