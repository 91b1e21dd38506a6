package io.wirespeed.control.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * Columns padded to their widest cell, two spaces apart: text columns left-aligned, number columns
 * right-aligned so digits line up, as netstat and ovs-appctl print counters.
 */
final class TextTable {
    private final List<String> header;
    private final boolean[] numeric;
    private final List<List<String>> rows = new ArrayList<>();

    /** @param numericFrom index of the first numeric column; columns before it are text */
    TextTable(List<String> header, int numericFrom) {
        this.header = List.copyOf(header);
        this.numeric = new boolean[header.size()];
        for (int i = numericFrom; i < numeric.length; i++) {
            numeric[i] = true;
        }
    }

    void add(List<String> row) {
        if (row.size() != header.size()) {
            throw new IllegalArgumentException("row has " + row.size() + " cells, header has " + header.size());
        }
        rows.add(List.copyOf(row));
    }

    String render() {
        int[] widths = new int[header.size()];
        for (List<String> row : allRows()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : allRows()) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String cell = row.get(i);
                String pad = " ".repeat(widths[i] - cell.length());
                line.append(numeric[i] ? pad + cell : cell + pad);
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }

    private List<List<String>> allRows() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(header);
        all.addAll(rows);
        return all;
    }
}
