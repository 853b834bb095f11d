package io.pipelines.util;

import java.util.ArrayList;
import java.util.List;

/**
 * The lines that differ between two texts, in order: "- " a line only the old one has, "+ " one only the new one has
 * (a longest common subsequence of lines; for definitions and SQL files, a few hundred lines at most).
 */
public final class LineDiff {

    private static final int MAX_LINES = 5_000;

    private LineDiff() {
    }

    public static List<String> of(String before, String after) {
        String[] a = before == null ? new String[0] : before.split("\n", -1);
        String[] b = after == null ? new String[0] : after.split("\n", -1);
        List<String> out = new ArrayList<>();
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            out.add("- (" + a.length + " lines)");
            out.add("+ (" + b.length + " lines)");
            return out;
        }
        int[][] common = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                common[i][j] = a[i].equals(b[j]) ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                i++;
                j++;
            } else if (i < a.length && (j == b.length || common[i + 1][j] >= common[i][j + 1])) {
                out.add("- " + a[i++]); // a line replaced: the old one first
            } else {
                out.add("+ " + b[j++]);
            }
        }
        return out;
    }
}
