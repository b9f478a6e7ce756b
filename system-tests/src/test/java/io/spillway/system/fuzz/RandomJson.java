package io.spillway.system.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Request bodies a fuzzer sends: a valid template with fields dropped, added or replaced by values of every JSON type
 * and of hostile sizes and characters; other JSON documents; JSON that is broken or nested too deep; nothing. Drawn
 * from a seeded {@link Random} (PropertyRuns), so a failing body is reproduced by its seed.
 */
public final class RandomJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] HOSTILE = { "", " ", "null", "-1", "0", "1e309", "NaN", "../../etc/passwd",
            "a/../b", "/", ".", "..", "\u0000", "\u202e", "💥", "'; DROP TABLE jobs; --", "<script>", "%00", "${x}",
            "\\", "\"", "a b", "UPPER", "x".repeat(64), "y".repeat(254), "z".repeat(10_000), "café", "日本語" };

    private RandomJson() {
    }

    /** A body for an endpoint whose valid body is {@code template}. */
    public static byte[] body(Random random, Map<String, Object> template) {
        int kind = random.nextInt(100);
        if (kind < 10) {
            return bytes(template);
        }
        if (kind < 65) {
            return bytes(mutated(random, template));
        }
        if (kind < 80) {
            return bytes(value(random, 3));
        }
        if (kind < 95) {
            return broken(random, bytes(mutated(random, template)));
        }
        return new byte[0];
    }

    /** The template with some fields dropped, some replaced by any value, and perhaps an unknown one added. */
    public static Map<String, Object> mutated(Random random, Map<String, Object> template) {
        Map<String, Object> body = new LinkedHashMap<>();
        template.forEach((key, value) -> {
            int fate = random.nextInt(10);
            if (fate < 5) {
                body.put(key, value);
            } else if (fate < 7) {
                body.put(key, value(random, 2));
            } else if (fate < 8 && value instanceof Map<?, ?> nested) {
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) nested;
                body.put(key, mutated(random, inner));
            } else if (fate < 9) {
                body.put(key, null);
            }
        });
        if (random.nextInt(4) == 0) {
            body.put(string(random), value(random, 2));
        }
        return body;
    }

    /** Any JSON value, nested at most {@code depth} deep. */
    public static Object value(Random random, int depth) {
        int kind = random.nextInt(depth > 0 ? 10 : 8);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> integer(random);
            case 3 -> decimal(random);
            case 4, 5, 6, 7 -> string(random);
            case 8 -> {
                List<Object> list = new ArrayList<>();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    list.add(value(random, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    map.put(string(random), value(random, depth - 1));
                }
                yield map;
            }
        };
    }

    public static String string(Random random) {
        int kind = random.nextInt(4);
        if (kind == 0) {
            return HOSTILE[random.nextInt(HOSTILE.length)];
        }
        int length = kind == 1 ? random.nextInt(8) : random.nextInt(80);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int pick = random.nextInt(20);
            if (pick < 14) {
                text.append((char) ('a' + random.nextInt(26)));
            } else if (pick < 16) {
                text.append((char) ('0' + random.nextInt(10)));
            } else if (pick < 18) {
                text.append("-_./:=@ ".charAt(random.nextInt(8)));
            } else {
                text.appendCodePoint(random.nextInt(0x2FFFF) + 1);
            }
        }
        return text.toString();
    }

    private static Object integer(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> -1 - random.nextInt(1000);
            case 2 -> Long.MAX_VALUE;
            case 3 -> new java.math.BigInteger("123456789012345678901234567890");
            default -> random.nextInt(100);
        };
    }

    private static Object decimal(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 1e308;
            case 1 -> -0.0001;
            case 2 -> random.nextDouble();
            default -> random.nextDouble() * 20;
        };
    }

    /** Not JSON, or JSON a parser should refuse: cut short, a stray byte, nested far too deep, or just bytes. */
    private static byte[] broken(Random random, byte[] valid) {
        return switch (random.nextInt(4)) {
            case 0 -> java.util.Arrays.copyOf(valid, valid.length == 0 ? 0 : random.nextInt(valid.length));
            case 1 -> {
                byte[] copy = valid.clone();
                if (copy.length > 0) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield copy;
            }
            case 2 -> ("[".repeat(5_000 + random.nextInt(50_000))).getBytes(StandardCharsets.US_ASCII);
            default -> {
                byte[] noise = new byte[random.nextInt(512)];
                random.nextBytes(noise);
                yield noise;
            }
        };
    }

    public static byte[] bytes(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
