package io.spillway.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A plain-text table as {@code kubectl} prints one: upper-case headers, columns two spaces apart, no borders. */
final class Table {

    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    static Table of(String... headers) {
        return new Table(List.of(headers));
    }

    /** Adds a row; {@code null} cells print as {@code -}. */
    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("expected " + headers.size() + " cells, got " + Arrays.toString(cells));
        }
        rows.add(Arrays.stream(cells).map(cell -> cell == null ? "-" : cell.toString()).toList());
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    /** The table, one line per row, each ending in a newline; the last column is not padded. */
    String render() {
        return render(true);
    }

    /** The rows only, aligned as if the headers were there: for a timeline, where headers add nothing. */
    String renderRows() {
        return render(false);
    }

    private String render(boolean withHeaders) {
        int[] widths = new int[headers.size()];
        for (int column = 0; column < widths.length; column++) {
            widths[column] = headers.get(column).length();
            for (List<String> row : rows) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        StringBuilder text = new StringBuilder();
        if (withHeaders) {
            appendLine(text, headers, widths);
        }
        rows.forEach(row -> appendLine(text, row, widths));
        return text.toString();
    }

    /** {@code text} cut to {@code max} characters, ending in {@code ...} when it was cut. */
    static String truncate(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        return text.substring(0, Math.max(0, max - 3)) + "...";
    }

    private static void appendLine(StringBuilder text, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int column = 0; column < cells.size(); column++) {
            if (column > 0) {
                line.append("  ");
            }
            String cell = cells.get(column);
            line.append(cell);
            if (column < cells.size() - 1) {
                line.append(" ".repeat(widths[column] - cell.length()));
            }
        }
        text.append(line.toString().stripTrailing()).append('\n');
    }
}
