package io.github.aigateway.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A private CA bundle given the way GitLab's documentation gives one to its gateway ({@code SSL_CERT_FILE}, or
 * {@code REQUESTS_CA_BUNDLE}): its certificates are trusted in addition to the JVM's own CAs by every outbound TLS
 * connection (GitLab's OIDC discovery and keys, model servers, Azure and Entra ID, Bedrock). Every client the
 * gateway uses takes its trust from the JVM's defaults, so the union becomes the JVM's default trust store and
 * default TLS context, before any connection is made.
 */
public final class TrustedCertificates {

    /** The variables read, in order: the first one set names the bundle. */
    public static final List<String> VARIABLES = List.of("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE");

    /** The bundle in use: the variable that named it, its file, and how many certificates each side holds. */
    public record Bundle(String variable, Path file, int bundleCertificates, int jvmCertificates) {

        public String describe() {
            return "%s=%s (%d certificates, trusted with the JVM's %d)".formatted(variable, file,
                    bundleCertificates, jvmCertificates);
        }
    }

    private TrustedCertificates() {
    }

    /** The variable naming the bundle, with its value, or none. */
    private static Optional<Map.Entry<String, Path>> named(Map<String, String> env) {
        for (String variable : VARIABLES) {
            String value = env.get(variable);
            if (value != null && !value.isBlank()) {
                return Optional.of(Map.entry(variable, Path.of(value.strip())));
            }
        }
        return Optional.empty();
    }

    /**
     * Trusts the bundle the environment names, with the JVM's CAs. Fails with a message naming the variable when
     * the file cannot be read or holds no certificate: a gateway that silently ignored it would fail every TLS
     * call to the servers the bundle was meant for.
     */
    public static Optional<Bundle> install(Map<String, String> env) {
        Optional<Map.Entry<String, Path>> named = named(env);
        if (named.isEmpty()) {
            return Optional.empty();
        }
        String variable = named.get().getKey();
        Path file = named.get().getValue();
        try {
            List<X509Certificate> bundle = read(file);
            if (bundle.isEmpty()) {
                throw new IllegalStateException(variable + "=" + file + " holds no PEM certificate");
            }
            X509Certificate[] jvm = jvmCertificates();
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            for (int i = 0; i < jvm.length; i++) {
                trusted.setCertificateEntry("jvm-" + i, jvm[i]);
            }
            for (int i = 0; i < bundle.size(); i++) {
                trusted.setCertificateEntry("bundle-" + i, bundle.get(i));
            }
            makeDefault(trusted);
            return Optional.of(new Bundle(variable, file, bundle.size(), jvm.length));
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA bundle " + variable + "=" + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> read(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> x509 = new ArrayList<>();
            for (Certificate certificate : certificates) {
                x509.add((X509Certificate) certificate);
            }
            return x509;
        }
    }

    private static X509Certificate[] jvmCertificates() throws GeneralSecurityException {
        return defaultTrustManager(null).getAcceptedIssuers();
    }

    private static X509TrustManager defaultTrustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("the JVM has no X.509 trust manager");
    }

    /**
     * The default TLS context serves clients that ask for it; the trust store properties serve those that build
     * their own context from the default trust manager factory (Netty under Vert.x, the AWS SDK's HTTP client).
     */
    private static void makeDefault(KeyStore trusted) throws IOException, GeneralSecurityException {
        Path file = Files.createTempFile("ai-gateway-trust", ".p12");
        file.toFile().deleteOnExit();
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        char[] password = HexFormat.of().formatHex(random).toCharArray();
        try (OutputStream out = Files.newOutputStream(file)) {
            trusted.store(out, password);
        }
        System.setProperty("javax.net.ssl.trustStore", file.toString());
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        System.setProperty("javax.net.ssl.trustStorePassword", new String(password));
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[]{defaultTrustManager(trusted)}, null);
        SSLContext.setDefault(context);
    }
}
