package dev.fluent.plugin.runtime.internal.identity;

import java.math.BigInteger;
import java.util.Comparator;

/**
 * Precedence of semantic versions (semver.org §11), the form the manifest parser accepts: numeric major,
 * minor and patch compared as numbers; a pre-release ranks below its release and is compared identifier by
 * identifier (numeric ones as numbers, below alphanumeric ones); build metadata is ignored.
 */
final class SemanticVersions {

    static final Comparator<String> PRECEDENCE = SemanticVersions::compare;

    private SemanticVersions() {
    }

    static int compare(String a, String b) {
        String[] x = withoutBuild(a).split("-", 2);
        String[] y = withoutBuild(b).split("-", 2);
        String[] core1 = x[0].split("\\.");
        String[] core2 = y[0].split("\\.");
        for (int i = 0; i < 3; i++) {
            int c = new BigInteger(core1[i]).compareTo(new BigInteger(core2[i]));
            if (c != 0) {
                return c;
            }
        }
        boolean pre1 = x.length > 1;
        boolean pre2 = y.length > 1;
        if (!pre1 || !pre2) {
            return Boolean.compare(pre2, pre1); // a release ranks above any of its pre-releases
        }
        return comparePreRelease(x[1].split("\\."), y[1].split("\\."));
    }

    private static int comparePreRelease(String[] a, String[] b) {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            boolean n1 = a[i].chars().allMatch(Character::isDigit);
            boolean n2 = b[i].chars().allMatch(Character::isDigit);
            int c;
            if (n1 && n2) {
                c = new BigInteger(a[i]).compareTo(new BigInteger(b[i]));
            } else if (n1 || n2) {
                c = n1 ? -1 : 1;
            } else {
                c = a[i].compareTo(b[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    }

    private static String withoutBuild(String version) {
        int plus = version.indexOf('+');
        return plus < 0 ? version : version.substring(0, plus);
    }
}
