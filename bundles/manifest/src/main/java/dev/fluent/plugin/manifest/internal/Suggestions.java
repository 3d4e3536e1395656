package dev.fluent.plugin.manifest.internal;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Finds the allowed name a misspelt one was probably meant to be ("did you mean max_memory_mb?"). */
final class Suggestions {

    /** Longer input is not compared: nobody mistypes a field name that badly. */
    private static final int MAX_INPUT = 100;

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code input}, if one is close enough. Case and the separators {@code _},
     * {@code -} and space are ignored first ({@code maxMemoryMb} finds {@code max_memory_mb}); then the
     * edit distance, counting a swap of two neighbouring letters as one edit, must be at most 1 for short
     * names, 2 up to eight letters and 3 beyond.
     */
    static Optional<String> closest(String input, List<String> candidates) {
        if (input.length() > MAX_INPUT) {
            return Optional.empty();
        }
        String folded = fold(input);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            String target = fold(candidate);
            if (target.equals(folded)) {
                return Optional.of(candidate);
            }
            int distance = distance(folded, target);
            if (distance <= allowedEdits(target) && distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int allowedEdits(String target) {
        if (target.length() <= 4) {
            return 1;
        }
        return target.length() <= 8 ? 2 : 3;
    }

    private static String fold(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toLowerCase(Locale.ROOT).toCharArray()) {
            if (c != '_' && c != '-' && c != ' ') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int value = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    value = Math.min(value, d[i - 2][j - 2] + 1);
                }
                d[i][j] = value;
            }
        }
        return d[a.length()][b.length()];
    }
}
