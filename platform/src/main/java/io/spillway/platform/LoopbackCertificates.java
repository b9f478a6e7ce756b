package io.spillway.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A private certificate authority and one server certificate it signed for {@code 127.0.0.1} and {@code localhost}, in
 * a directory: what the platform's Kafka, PostgreSQL and a service's HTTPS port serve, and what their clients trust.
 * Made with the JDK's own {@code keytool}, so no certificate library joins the platform's classpath.
 *
 * @param directory where the files are
 * @param caCertificate the CA's certificate, PEM: what a PostgreSQL client's {@code sslrootcert} or a PEM trust
 *        option names
 * @param truststore a PKCS12 store holding only the CA's certificate: what a Kafka or Java client trusts
 * @param keystore a PKCS12 store with the server's key and its chain (alias {@value #SERVER_ALIAS})
 * @param certificate the server's certificate chain, PEM
 * @param privateKey the server's key, unencrypted PKCS#8 PEM (readable by its owner only)
 * @param password the password of both PKCS12 stores and of the key in the keystore
 */
public record LoopbackCertificates(Path directory, Path caCertificate, Path truststore, Path keystore,
        Path certificate, Path privateKey, String password) {

    /** The key store type of {@link #truststore} and {@link #keystore}. */
    public static final String STORE_TYPE = "PKCS12";
    /** The alias of the server's key in {@link #keystore}. */
    public static final String SERVER_ALIAS = "server";

    private static final String CA_ALIAS = "ca";
    // Long enough for a state dir that lives for months; short enough that nobody mistakes these for real ones.
    private static final String VALIDITY_DAYS = "825";

    /**
     * The certificates in {@code directory}: made now (a new CA and key each time the directory is empty), or the ones
     * made there before, so a restarted broker serves the certificate its clients already trust.
     */
    public static LoopbackCertificates create(Path directory) {
        LoopbackCertificates files = in(directory);
        try {
            if (Files.exists(files.keystore) && Files.exists(files.passwordFile())) {
                return new LoopbackCertificates(directory, files.caCertificate, files.truststore, files.keystore,
                        files.certificate, files.privateKey, Files.readString(files.passwordFile()).trim());
            }
            Files.createDirectories(directory);
            String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            writePrivate(files.passwordFile(), password + "\n");
            LoopbackCertificates created = new LoopbackCertificates(directory, files.caCertificate,
                    files.truststore, files.keystore, files.certificate, files.privateKey, password);
            created.generate();
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make the TLS certificates in " + directory, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot make the TLS certificates in " + directory, e);
        }
    }

    private static LoopbackCertificates in(Path directory) {
        return new LoopbackCertificates(directory, directory.resolve("ca.crt"), directory.resolve("truststore.p12"),
                directory.resolve("server.p12"), directory.resolve("server.crt"), directory.resolve("server.key"),
                "");
    }

    /** The CA's certificate, as a client that trusts {@link #truststore} sees it. */
    public X509Certificate caX509Certificate() {
        try (InputStream in = Files.newInputStream(caCertificate)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + caCertificate, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot read " + caCertificate, e);
        }
    }

    /** Names the files, never the password. */
    @Override
    public String toString() {
        return "LoopbackCertificates[" + directory + "]";
    }

    private Path passwordFile() {
        return directory.resolve("password");
    }

    private void generate() throws IOException, GeneralSecurityException {
        Path caStore = directory.resolve("ca.p12");
        Path request = directory.resolve("server.csr");
        Path signed = directory.resolve("server-signed.crt");
        keytool("a CA key", "-genkeypair", "-keystore", caStore.toString(), "-alias", CA_ALIAS,
                "-dname", "CN=Spillway loopback CA", "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
        keytool("the server key", "-genkeypair", "-keystore", keystore.toString(), "-alias", SERVER_ALIAS,
                "-dname", "CN=localhost");
        keytool("a certificate request", "-certreq", "-keystore", keystore.toString(), "-alias", SERVER_ALIAS,
                "-file", request.toString());
        // Clients check the name they dialled against the subject alternative names: 127.0.0.1 for the platform's
        // addresses, localhost for a guide's or a browser's.
        keytool("the server certificate", "-gencert", "-keystore", caStore.toString(), "-alias", CA_ALIAS,
                "-infile", request.toString(), "-outfile", signed.toString(), "-rfc",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-ext", "ku:c=digitalSignature,keyEncipherment",
                "-ext", "eku=serverAuth,clientAuth");

        KeyStore ca = load(caStore);
        Certificate caCert = ca.getCertificate(CA_ALIAS);
        Certificate serverCert;
        try (InputStream in = Files.newInputStream(signed)) {
            serverCert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore server = load(keystore);
        Key key = server.getKey(SERVER_ALIAS, password.toCharArray());
        // The keystore holds the signed chain in place of keytool's self-signed placeholder.
        server.setKeyEntry(SERVER_ALIAS, key, password.toCharArray(), new Certificate[] { serverCert, caCert });
        store(server, keystore);

        KeyStore trust = KeyStore.getInstance(STORE_TYPE);
        trust.load(null, null);
        trust.setCertificateEntry(CA_ALIAS, caCert);
        store(trust, truststore);

        Files.writeString(caCertificate, pem("CERTIFICATE", caCert.getEncoded()));
        Files.writeString(certificate, pem("CERTIFICATE", serverCert.getEncoded()) + pem("CERTIFICATE",
                caCert.getEncoded()));
        // PostgreSQL refuses a key that others can read.
        writePrivate(privateKey, pem("PRIVATE KEY", key.getEncoded()));
        Files.delete(request);
        Files.delete(signed);
    }

    private void keytool(String what, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                // A short-lived JVM: C1 and the serial collector start it fastest on a busy machine.
                "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
        command.addAll(List.of(arguments));
        if (List.of(arguments).contains("-genkeypair")) {
            command.addAll(List.of("-keyalg", "RSA", "-keysize", "2048", "-validity", VALIDITY_DAYS,
                    "-storetype", STORE_TYPE, "-keypass", password));
        }
        if (List.of(arguments).contains("-gencert")) {
            command.addAll(List.of("-validity", VALIDITY_DAYS));
        }
        command.addAll(List.of("-storepass", password, "-noprompt"));
        ManagedProcess.run("keytool making " + what, command, directory.resolve("keytool.log"),
                Duration.ofSeconds(60));
    }

    private KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(STORE_TYPE);
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, password.toCharArray());
        }
        return store;
    }

    private void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password.toCharArray());
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content);
    }
}
