package dev.fluent.plugin.cluster.internal;

import java.math.BigInteger;

/**
 * Semantic version precedence (SemVer 2.0 section 11), enough to tell a stale version from a newer one: a node
 * that restores an older version than the catalogue's does not publish it, it converges.
 */
final class Versions {

    private Versions() {
    }

    /** Negative, zero or positive as {@code a} precedes, equals or follows {@code b}; build metadata ignored. */
    static int compare(String a, String b) {
        String[] x = a.split("\\+", 2)[0].split("-", 2);
        String[] y = b.split("\\+", 2)[0].split("-", 2);
        int core = compareParts(x[0].split("\\."), y[0].split("\\."));
        if (core != 0) {
            return core;
        }
        if (x.length == 1 || y.length == 1) {
            return Integer.compare(y.length, x.length); // a pre-release precedes its release
        }
        return compareParts(x[1].split("\\."), y[1].split("\\."));
    }

    private static int compareParts(String[] a, String[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean an = a[i].chars().allMatch(Character::isDigit) && !a[i].isEmpty();
            boolean bn = b[i].chars().allMatch(Character::isDigit) && !b[i].isEmpty();
            int c = an && bn ? new BigInteger(a[i]).compareTo(new BigInteger(b[i]))
                    : an ? -1 : bn ? 1 : a[i].compareTo(b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }
}
