package io.wirespeed.bench.gen;

/**
 * wsgen, the Wirespeed traffic generator: {@code bin/wsgen --help}. Exit status 0 after a run,
 * 2 for a bad command line, 1 when the run could not be done (no such device, no permission...).
 */
public final class Wsgen {
    private Wsgen() {}

    public static void main(String[] args) throws InterruptedException {
        if (GenOptions.wantsHelp(args)) {
            System.out.print(GenOptions.USAGE);
            return;
        }
        GenOptions options;
        try {
            options = GenOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("wsgen: " + e.getMessage() + " (see wsgen --help)");
            System.exit(2);
            return;
        }
        try {
            GenResult result = new GenRun(options).run();
            System.out.println(options.json() ? result.json() : result.summary());
        } catch (RuntimeException e) {
            System.err.println("wsgen: " + e.getMessage());
            System.exit(1);
        }
    }
}
