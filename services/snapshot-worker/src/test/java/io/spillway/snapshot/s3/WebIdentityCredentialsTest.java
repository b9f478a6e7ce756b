package io.spillway.snapshot.s3;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.WebIdentityTokenFileCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Without static keys the worker takes the SDK's default chain, and on EKS with IRSA that chain must reach its web
 * identity step: the pod has AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE (here their system-property twins) and the
 * STS module loads. The STS it calls is a local listener ({@code aws.endpointUrlSts}), never AWS.
 */
class WebIdentityCredentialsTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/spillway-snapshot-worker";
    private static final List<String> PROPERTIES = List.of("aws.webIdentityTokenFile", "aws.roleArn",
            "aws.roleSessionName", "aws.region", "aws.endpointUrlSts");

    private final Map<String, String> saved = new HashMap<>();

    /** Answers AssumeRoleWithWebIdentity as STS does, with temporary credentials of its own making. */
    private final FakeHttpServer sts = new FakeHttpServer(request -> new FakeHttpServer.Response(200,
            Map.of("Content-Type", "text/xml"),
            """
                    <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
                      <AssumeRoleWithWebIdentityResult>
                        <Credentials>
                          <AccessKeyId>ASIAFAKEWEBIDENTITY</AccessKeyId>
                          <SecretAccessKey>fake-secret</SecretAccessKey>
                          <SessionToken>fake-session-token</SessionToken>
                          <Expiration>2099-01-01T00:00:00Z</Expiration>
                        </Credentials>
                        <SubjectFromWebIdentityToken>system:serviceaccount:spillway:worker</SubjectFromWebIdentityToken>
                        <AssumedRoleUser>
                          <Arn>arn:aws:sts::111122223333:assumed-role/spillway-snapshot-worker/it</Arn>
                          <AssumedRoleId>AROAFAKE:it</AssumedRoleId>
                        </AssumedRoleUser>
                      </AssumeRoleWithWebIdentityResult>
                      <ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata>
                    </AssumeRoleWithWebIdentityResponse>
                    """));

    @AfterEach
    void restore() {
        PROPERTIES.forEach(name -> {
            if (saved.get(name) == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, saved.get(name));
            }
        });
        sts.close();
    }

    @Test
    void withoutKeysTheDefaultChainAssumesTheServiceAccountsRoleThroughSts(@TempDir Path dir) throws Exception {
        // Keys in this machine's environment come first in the chain and would hide the step under test.
        assumeTrue(System.getenv("AWS_ACCESS_KEY_ID") == null && System.getProperty("aws.accessKeyId") == null,
                "AWS keys in the environment take precedence over web identity");
        Path token = dir.resolve("token");
        Files.writeString(token, "eyJhbGciOiJSUzI1NiJ9.service-account-token.signature");
        set("aws.webIdentityTokenFile", token.toString());
        set("aws.roleArn", ROLE);
        set("aws.roleSessionName", "snapshot-worker-it");
        set("aws.region", "eu-west-1");
        set("aws.endpointUrlSts", sts.endpoint());

        AwsCredentialsProvider chain = S3ClientProducer.credentials(S3Settings.at("http://127.0.0.1:1")
                .withKeys(Optional.empty(), Optional.empty()));
        AwsCredentials credentials;
        try {
            credentials = chain.resolveCredentials();
        } finally {
            if (chain instanceof SdkAutoCloseable closeable) {
                closeable.close();
            }
        }

        AwsSessionCredentials session = assertInstanceOf(AwsSessionCredentials.class, credentials);
        assertEquals("ASIAFAKEWEBIDENTITY", session.accessKeyId());
        assertEquals("fake-session-token", session.sessionToken());
        assertEquals(1, sts.requests().size(), () -> String.valueOf(sts.requests()));
        Map<String, String> form = form(sts.requests().get(0).body());
        assertEquals("AssumeRoleWithWebIdentity", form.get("Action"));
        assertEquals(ROLE, form.get("RoleArn"));
        assertEquals("snapshot-worker-it", form.get("RoleSessionName"));
        assertEquals("eyJhbGciOiJSUzI1NiJ9.service-account-token.signature", form.get("WebIdentityToken"));
    }

    @Test
    void theWebIdentityProviderLoadsSts(@TempDir Path dir) throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "token");
        set("aws.region", "eu-west-1");
        set("aws.endpointUrlSts", sts.endpoint());

        // Without the sts module on the class path this provider fails with "To use web identity tokens, the 'sts'
        // service module must be on the class path".
        try (WebIdentityTokenFileCredentialsProvider provider = WebIdentityTokenFileCredentialsProvider.builder()
                .roleArn(ROLE).webIdentityTokenFile(token).roleSessionName("direct").build()) {
            assertTrue(provider.resolveCredentials().accessKeyId().startsWith("ASIA"));
        }
    }

    private void set(String name, String value) {
        saved.putIfAbsent(name, System.getProperty(name));
        System.setProperty(name, value);
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            int equals = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return form;
    }
}
