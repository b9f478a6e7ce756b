package io.spillway.snapshot.repository;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Rfc3339Test {

    @Test
    void formatsAndParsesExactlyAsInstantDoes() {
        SplittableRandom random = new SplittableRandom(7);
        long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            int nanos = switch (i % 4) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1000;
                default -> random.nextInt(1_000_000_000);
            };
            Instant instant = Instant.ofEpochSecond(random.nextLong(min, max + 1), nanos);

            assertEquals(instant.toString(), Rfc3339.format(instant));
            assertEquals(instant, Rfc3339.parse(instant.toString()));
        }
    }

    @Test
    void formatsInstantsOutsideFourDigitYearsAsInstantDoes() {
        Instant farFuture = Instant.parse("+12345-01-01T00:00:00Z");
        Instant beforeYearZero = Instant.parse("-0001-06-01T00:00:00.5Z");

        assertEquals(farFuture.toString(), Rfc3339.format(farFuture));
        assertEquals(farFuture, Rfc3339.parse(farFuture.toString()));
        assertEquals(beforeYearZero, Rfc3339.parse(Rfc3339.format(beforeYearZero)));
    }

    @Test
    void parsesFractionsOfAnyLengthAsInstantDoes() {
        for (String text : new String[] { "2026-11-29T10:00:00.1Z", "2026-11-29T10:00:00.12Z",
                "2026-11-29T10:00:00.1234Z", "2024-02-29T23:59:59.999999999Z" }) {
            assertEquals(Instant.parse(text), Rfc3339.parse(text));
        }
    }

    @Test
    void rejectsWhatInstantRejects() {
        for (String text : new String[] { "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-11-29 10:00:00Z", "2026-11-29T10:00:0xZ", "yesterday" }) {
            assertThrows(DateTimeParseException.class, () -> Rfc3339.parse(text), text);
        }
    }
}
