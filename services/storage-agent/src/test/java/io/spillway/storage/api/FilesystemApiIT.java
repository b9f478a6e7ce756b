package io.spillway.storage.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.spillway.storage.config.StorageAgentConfig;
import io.spillway.testing.PlatformTestResource;

import static io.spillway.testing.ServiceCalls.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@QuarkusTest
@WithTestResource(PlatformTestResource.class)
class FilesystemApiIT {

    @Inject
    StorageAgentConfig config;

    @Test
    void anyoneWithoutTheServiceCredentialIsRefusedWithAnAnswerThatSaysWhatToSend() {
        RestAssured.given().get("/api/v1/filesystems").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("missing bearer token"));
        RestAssured.given().auth().oauth2("spw_not-the-service-credential").delete("/api/v1/filesystems/anything")
                .then().statusCode(401).body("error", containsString("unknown or revoked"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("name", "not-created"))
                .post("/api/v1/filesystems").then().statusCode(401);
        given().get("/api/v1/filesystems/not-created").then().statusCode(404);
        RestAssured.given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void aControlCharacterInAPathIsRefusedNamingTheParameterNotFailedByTheDatabase() {
        given().urlEncodingEnabled(false).delete("/api/v1/filesystems/a%00b").then().statusCode(400)
                .body("violations[0].field", equalTo("name"));
    }

    @Test
    void createsListsWithUsageMountsRefusesDeleteWhileMountedThenReleasesAndDeletes() throws IOException {
        String name = unique("datasets");

        String path = create(name).statusCode(201)
                .body("name", equalTo(name)).body("bytesUsed", equalTo(0)).body("files", equalTo(0))
                .extract().path("path");
        Path directory = Path.of(path);
        assertTrue(Files.isDirectory(directory), "the filesystem's directory exists");

        Files.createDirectories(directory.resolve("imagenet/train"));
        Files.writeString(directory.resolve("imagenet/train/a.bin"), "12345", StandardCharsets.UTF_8);
        Files.writeString(directory.resolve("labels.txt"), "abc", StandardCharsets.UTF_8);

        given().get("/api/v1/filesystems").then().statusCode(200)
                .body("name", hasItem(name))
                .body("find { it.name == '" + name + "' }.bytesUsed", equalTo(8))
                .body("find { it.name == '" + name + "' }.files", equalTo(2));

        String jobId = "job-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("jobId", jobId, "subpath", "imagenet/train", "readOnly", true))
                .post("/api/v1/filesystems/{name}/mounts", name).then().statusCode(201)
                .body("hostPath", equalTo(directory.toRealPath().resolve("imagenet/train").toString()))
                .body("claimName", equalTo("spillway-fs-" + name))
                .body("storageClass", nullValue())
                .body("subpath", equalTo("imagenet/train"))
                .body("readOnly", equalTo(true));
        given().get("/api/v1/filesystems/{name}", name).then().statusCode(200).body("mountedBy", equalTo(1));

        given().delete("/api/v1/filesystems/{name}", name).then().statusCode(409)
                .body("status", equalTo(409))
                .body("error", containsString("mounted by 1 running job(s)"));
        assertTrue(Files.exists(directory.resolve("labels.txt")), "a refused delete keeps the data");

        given().delete("/api/v1/filesystems/{name}/mounts/{jobId}", name, jobId).then().statusCode(204);
        given().delete("/api/v1/filesystems/{name}", name).then().statusCode(204);

        assertFalse(Files.exists(directory), "the directory is gone");
        given().get("/api/v1/filesystems/{name}", name).then().statusCode(404).body("status", equalTo(404));
        given().get("/api/v1/filesystems").then().statusCode(200)
                .body("find { it.name == '" + name + "' }", nullValue());
    }

    @Test
    void refusesToCreateAFilesystemThatExists() {
        String name = unique("results");
        create(name).statusCode(201);

        create(name).statusCode(409).body("status", equalTo(409)).body("error", containsString(name));
    }

    @Test
    void refusesANameThatIsNotADns1123LabelNamingTheField() {
        create("../Etc").statusCode(400)
                .body("status", equalTo(400))
                .body("violations[0].field", equalTo("name"))
                .body("violations[0].message", containsString("DNS-1123"));
        assertFalse(Files.exists(config.root().resolve("Etc")));
    }

    @Test
    void refusesASubpathThatClimbsOutOfTheFilesystem() {
        String name = unique("scratch");
        create(name).statusCode(201);

        mount(name, "job-1", "../" + name + "-other").statusCode(400)
                .body("violations[0].field", equalTo("subpath"))
                .body("violations[0].message", containsString(".."));
        given().get("/api/v1/filesystems/{name}", name).then().body("mountedBy", equalTo(0));
    }

    @Test
    void refusesASubpathThatLeavesThroughASymlink() throws IOException {
        String name = unique("linked");
        Path directory = Path.of(create(name).statusCode(201).extract().<String> path("path"));
        Path outside = Files.createDirectories(config.root().toAbsolutePath().resolveSibling("outside-" + name));
        Files.createSymbolicLink(directory.resolve("escape"), outside);

        mount(name, "job-1", "escape").statusCode(400)
                .body("violations[0].field", equalTo("subpath"))
                .body("violations[0].message", containsString("outside the filesystem"));
    }

    @Test
    void refusesAMountWithoutAJob() {
        String name = unique("nojob");
        create(name).statusCode(201);

        mount(name, "", "").statusCode(400).body("violations[0].field", equalTo("jobId"));
    }

    @Test
    void answersNotFoundForAnUnknownFilesystemOrMount() {
        String name = unique("missing");
        given().delete("/api/v1/filesystems/{name}", name).then().statusCode(404).body("status", equalTo(404));
        mount(name, "job-1", "").statusCode(404);
        given().delete("/api/v1/filesystems/{name}/mounts/{jobId}", name, "job-1").then().statusCode(404);
    }

    private static io.restassured.response.ValidatableResponse create(String name) {
        return given().contentType(ContentType.JSON).body(Map.of("name", name))
                .post("/api/v1/filesystems").then();
    }

    private static io.restassured.response.ValidatableResponse mount(String name, String jobId, String subpath) {
        return given().contentType(ContentType.JSON).body(Map.of("jobId", jobId, "subpath", subpath))
                .post("/api/v1/filesystems/{name}/mounts", name).then();
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
