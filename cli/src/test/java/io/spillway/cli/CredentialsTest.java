package io.spillway.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.spillway.cli.stack.Bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsTest {

    @TempDir
    Path dir;

    @Test
    void generatesTokensOf32RandomBytesInBase64UrlWithoutPadding() {
        Set<String> tokens = IntStream.range(0, 100).mapToObj(i -> Credentials.newToken()).collect(Collectors.toSet());

        assertEquals(100, tokens.size());
        tokens.forEach(token -> assertTrue(token.matches("spw_[A-Za-z0-9_-]{43}"), token));
    }

    @Test
    void hashesTokensAsLowerCaseHexSha256() {
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Credentials.sha256Hex("abc"));
    }

    @Test
    void givesJobIntakeTheHashesOfTheTokensNeverTheTokens() {
        Credentials credentials = Credentials.generate("http://127.0.0.1:8080", "default");

        Bootstrap bootstrap = credentials.bootstrap();

        assertEquals(Credentials.sha256Hex(credentials.adminToken()), bootstrap.adminTokenSha256());
        assertEquals(Credentials.sha256Hex(credentials.token()), bootstrap.projectTokenSha256());
        assertEquals("default", bootstrap.project());
        assertFalse(bootstrap.toString().contains(credentials.token()));
        assertFalse(credentials.toString().contains(credentials.token()), "toString hides the secrets");
    }

    @Test
    void writesAFileOnlyItsOwnerCanReadAndReadsItBack() throws Exception {
        Path file = dir.resolve(".spillway/credentials");
        Credentials credentials = Credentials.generate("http://127.0.0.1:8080", "default");

        credentials.write(file);

        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(credentials, Credentials.read(file).orElseThrow());
        String text = Files.readString(file);
        assertTrue(text.contains("admin-token=" + credentials.adminToken()), text);
        assertTrue(text.contains("project=default"), text);
    }

    @Test
    void upReusesAnExistingFileAndCompletesOneThatLacksTokens() throws Exception {
        Path file = dir.resolve("credentials");
        Credentials first = UpCommand.credentials(file, "http://127.0.0.1:8080");
        assertTrue(first.hasTokens());

        assertEquals(first, UpCommand.credentials(file, "http://127.0.0.1:9999"), "the database knows these tokens");

        Files.writeString(file, "url=http://127.0.0.1:8080\ntoken=" + first.token() + "\n");
        Credentials completed = UpCommand.credentials(file, "http://127.0.0.1:8080");
        assertEquals(first.token(), completed.token());
        assertNotEquals(first.adminToken(), completed.adminToken());
        assertEquals("default", completed.project());
        assertEquals(completed, Credentials.read(file).orElseThrow());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
