package io.spillway.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the CLI sends its requests and with which token, resolved highest first: the flag, the environment
 * ({@code SPILLWAY_URL}, {@code SPILLWAY_TOKEN}), the credentials file, the default URL.
 *
 * @param url the API's base URL, without a trailing slash
 * @param token the bearer token, or {@code null} when none is configured
 * @param tokenSource where the token came from, for messages ({@code --token}, {@code SPILLWAY_TOKEN}, the file)
 * @param credentialsFile the credentials file consulted, whether or not it exists
 */
record CliConfig(String url, String token, String tokenSource, Path credentialsFile) {

    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    /**
     * Resolves the settings of one command.
     *
     * @param admin whether the command needs the admin token: then the file's {@code admin-token=} is used instead
     *        of its {@code token=} (a flag or {@code SPILLWAY_TOKEN} still wins)
     */
    static CliConfig resolve(Map<String, String> env, String urlFlag, String tokenFlag, boolean admin) {
        Path file = credentialsFile(env);
        Credentials stored;
        try {
            stored = Credentials.read(file).orElse(new Credentials(null, null, null, null, null));
        } catch (IOException e) {
            throw new CliException(ExitCodes.NOT_AUTHORIZED, "cannot read the credentials file " + file + ": "
                    + e.getMessage() + "; fix its permissions or set SPILLWAY_CREDENTIALS");
        }
        String url = firstOf(urlFlag, env.get("SPILLWAY_URL"), stored.url(), DEFAULT_URL);
        String fileToken = admin ? stored.adminToken() : stored.token();
        String token;
        String source;
        if (present(tokenFlag)) {
            token = tokenFlag;
            source = "--token";
        } else if (present(env.get("SPILLWAY_TOKEN"))) {
            token = env.get("SPILLWAY_TOKEN");
            source = "SPILLWAY_TOKEN";
        } else {
            token = fileToken;
            source = file + (admin ? " (admin-token)" : " (token)");
        }
        return new CliConfig(stripTrailingSlash(url.trim()), token == null ? null : token.trim(), source, file);
    }

    /** {@code SPILLWAY_CREDENTIALS}, else {@code $SPILLWAY_HOME/.spillway/credentials}. */
    static Path credentialsFile(Map<String, String> env) {
        String explicit = env.get("SPILLWAY_CREDENTIALS");
        if (present(explicit)) {
            return Path.of(explicit).toAbsolutePath().normalize();
        }
        return StackPaths.from(env).credentials();
    }

    private static String firstOf(String... values) {
        for (String value : values) {
            if (present(value)) {
                return value;
            }
        }
        throw new IllegalArgumentException("the last value is the default and never blank");
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
