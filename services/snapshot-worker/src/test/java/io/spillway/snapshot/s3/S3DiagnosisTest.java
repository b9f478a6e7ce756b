package io.spillway.snapshot.s3;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class S3DiagnosisTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final S3Settings STORE = S3Settings.at("https://s3.example.internal:9000")
            .withKeys(Optional.of("AKIAEXAMPLE"), Optional.of("wJalrXUtnFEMI-secret"));

    @Test
    void aRefusedSignatureNamesBothKeysAndShowsOnlyTheAccessKey() {
        var problem = S3Diagnosis.of(answer(403, "SignatureDoesNotMatch", "The request signature we calculated does"
                + " not match the signature you provided. Check your key and signing method."), STORE, TIMEOUT);

        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", problem.settings());
        assertTrue(problem.message().contains("spillway.s3.access-key=AKIAEXAMPLE"), problem.message());
        assertTrue(problem.message().contains("SignatureDoesNotMatch"), problem.message());
        assertFalse(problem.message().contains("wJalrXUtnFEMI-secret"), problem.message());
    }

    @Test
    void anUnknownAccessKeyNamesTheKeys() {
        var problem = S3Diagnosis.of(answer(403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not"
                + " exist in our records."), STORE, TIMEOUT);

        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", problem.settings());
    }

    @Test
    void accessDeniedNamesTheKeysAndThePermissionTheCheckNeeds() {
        var problem = S3Diagnosis.of(answer(403, "AccessDenied", "Access Denied"), STORE, TIMEOUT);

        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", problem.settings());
        assertTrue(problem.message().contains("s3:ListBucket"), problem.message());
    }

    @Test
    void aMissingBucketNamesTheBucketSetting() {
        var problem = S3Diagnosis.of(answer(404, "NoSuchBucket", "The specified bucket does not exist"),
                STORE.withBucket("spillway-prod", false), TIMEOUT);

        assertEquals("spillway.s3.bucket", problem.settings());
        assertTrue(problem.message().contains("spillway.s3.bucket=spillway-prod"), problem.message());
        assertTrue(problem.message().contains("spillway.s3.create-bucket=false"), problem.message());
    }

    @Test
    void aBucketInAnotherRegionNamesTheRegionAndWhereTheBucketIs() {
        S3Exception redirect = (S3Exception) S3Exception.builder().statusCode(301)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("PermanentRedirect")
                        .errorMessage("The bucket you are attempting to access must be addressed using the specified"
                                + " endpoint.")
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(301)
                                .putHeader("x-amz-bucket-region", "eu-central-1").build())
                        .build())
                .build();

        var problem = S3Diagnosis.of(redirect, STORE, TIMEOUT);

        assertEquals("spillway.s3.region", problem.settings());
        assertTrue(problem.message().contains("spillway.s3.region=us-east-1"), problem.message());
        assertTrue(problem.message().contains("it is in eu-central-1"), problem.message());
    }

    @Test
    void aRefusedConnectionNamesTheEndpointAndItsValue() {
        var problem = S3Diagnosis.of(SdkClientException.builder().message("Unable to execute HTTP request:"
                + " Connection refused").cause(new ConnectException("Connection refused")).build(), STORE, TIMEOUT);

        assertEquals("spillway.s3.endpoint", problem.settings());
        assertTrue(problem.message().contains("spillway.s3.endpoint=https://s3.example.internal:9000"),
                problem.message());
    }

    @Test
    void noAnswerWithinTheTimeoutNamesTheEndpoint() {
        var problem = S3Diagnosis.of(ApiCallTimeoutException.create(3_000), STORE, TIMEOUT);

        assertEquals("spillway.s3.endpoint", problem.settings());
        assertTrue(problem.message().contains("within 3 s"), problem.message());
    }

    @Test
    void anUnknownVirtualHostPointsAtPathStyleAccess() {
        var problem = S3Diagnosis.of(SdkClientException.builder().message("Unable to execute HTTP request")
                .cause(new UnknownHostException("spillway.minio.storage.svc")).build(),
                S3Settings.at("http://minio.storage.svc:9000").withPathStyleAccess(false), TIMEOUT);

        assertEquals("spillway.s3.endpoint, spillway.s3.path-style-access", problem.settings());
        assertTrue(problem.message().contains("spillway.s3.path-style-access=true"), problem.message());
    }

    @Test
    void noCredentialsAnywhereNamesTheKeysAndTheDefaultChain() {
        var problem = S3Diagnosis.of(SdkClientException.create("Unable to load credentials from any of the providers"
                + " in the chain"), S3Settings.at("http://127.0.0.1:9000").withKeys(Optional.empty(),
                        Optional.empty()),
                TIMEOUT);

        assertEquals("spillway.s3.access-key, spillway.s3.secret-key", problem.settings());
        assertTrue(problem.message().contains("AWS_WEB_IDENTITY_TOKEN_FILE"), problem.message());
    }

    @Test
    void withoutAnEndpointTheMessageSaysAwsS3OfTheRegion() {
        S3Settings aws = new S3Settings(Optional.empty(), "eu-west-1", Optional.empty(), Optional.empty(), "spillway",
                false, false, "none", Optional.empty());

        var problem = S3Diagnosis.of(ApiCallTimeoutException.create(3_000), aws, TIMEOUT);

        assertTrue(problem.message().contains("(not set: AWS S3 in spillway.s3.region=eu-west-1)"), problem.message());
    }

    private static S3Exception answer(int status, String code, String message) {
        return (S3Exception) S3Exception.builder().statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message)
                        .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build()).build())
                .build();
    }
}
