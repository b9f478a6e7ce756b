package io.spillway.platform;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The private CA and server certificate that the platform's TLS listeners serve, made with the JDK's keytool. */
class LoopbackCertificatesIT {

    @Test
    void signsAServerCertificateForTheLoopbackAddressWithAPrivateCa(@TempDir Path dir) throws Exception {
        LoopbackCertificates certificates = LoopbackCertificates.create(dir);

        KeyStore keystore = load(certificates.keystore(), certificates.password());
        Certificate[] chain = keystore.getCertificateChain(LoopbackCertificates.SERVER_ALIAS);
        assertEquals(2, chain.length, "the server's certificate, then the CA's");
        X509Certificate server = (X509Certificate) chain[0];
        X509Certificate ca = certificates.caX509Certificate();
        assertEquals(ca, chain[1]);
        server.verify(ca.getPublicKey());
        server.checkValidity();
        assertTrue(ca.getBasicConstraints() >= 0, "the CA may sign certificates");
        assertEquals(-1, server.getBasicConstraints(), "the server's certificate is no CA");
        // Type 7 is an IP address, type 2 a DNS name: clients verify the name they dialled against these.
        Set<String> names = server.getSubjectAlternativeNames().stream()
                .map(name -> name.get(0) + ":" + name.get(1)).collect(Collectors.toSet());
        assertEquals(Set.of("7:127.0.0.1", "2:localhost"), names);
        assertTrue(server.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"), "for TLS servers");

        KeyStore truststore = load(certificates.truststore(), certificates.password());
        assertEquals(List.of("ca"), Collections.list(truststore.aliases()));
        assertEquals(ca, truststore.getCertificate("ca"));

        String pem = Files.readString(certificates.certificate());
        assertEquals(2, pem.split("BEGIN CERTIFICATE").length - 1, "the PEM chain holds both certificates");
        assertTrue(Files.readString(certificates.privateKey()).startsWith("-----BEGIN PRIVATE KEY-----"));
        assertEquals(PosixFilePermissions.fromString("rw-------"),
                Files.getPosixFilePermissions(certificates.privateKey()), "PostgreSQL refuses a key others can read");
    }

    @Test
    void aSecondStartInTheSameDirectoryServesTheSameCertificatesAndNoDescriptionShowsThePassword(@TempDir Path dir)
            throws Exception {
        LoopbackCertificates first = LoopbackCertificates.create(dir);
        byte[] keystore = Files.readAllBytes(first.keystore());

        LoopbackCertificates second = LoopbackCertificates.create(dir);

        assertEquals(first.password(), second.password());
        assertArrayEquals(keystore, Files.readAllBytes(second.keystore()));
        assertEquals(first.caX509Certificate(), second.caX509Certificate());
        assertFalse(second.toString().contains(second.password()), second.toString());
    }

    private static KeyStore load(Path file, String password) throws Exception {
        KeyStore store = KeyStore.getInstance(LoopbackCertificates.STORE_TYPE);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }
}
