package io.spillway.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Memory sizes as Kubernetes and Run:ai write them: {@code 8192} (MiB), {@code 512Mi}, {@code 8Gi}, {@code 1Ti}. */
final class Mebibytes implements ITypeConverter<Integer> {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(Mi|Gi|Ti)?");

    @Override
    public Integer convert(String value) {
        return parse(value);
    }

    static int parse(String value) {
        Matcher matcher = SIZE.matcher(value.trim());
        if (!matcher.matches()) {
            throw new TypeConversionException("'" + value + "' is not a memory size; use MiB (8192) or a Mi/Gi/Ti "
                    + "suffix (512Mi, 8Gi)");
        }
        double amount = Double.parseDouble(matcher.group(1));
        String unit = matcher.group(2) == null ? "Mi" : matcher.group(2);
        double mebibytes = switch (unit.toLowerCase(Locale.ROOT)) {
            case "gi" -> amount * 1024;
            case "ti" -> amount * 1024 * 1024;
            default -> amount;
        };
        if (mebibytes != Math.rint(mebibytes) || mebibytes > Integer.MAX_VALUE) {
            throw new TypeConversionException("'" + value + "' is not a whole number of MiB");
        }
        return (int) mebibytes;
    }
}
