package org.rbnn4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rbnn4j.datasets.ByteImageDataset;
import org.rbnn4j.datasets.DataOptions;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.DatasetException;
import org.rbnn4j.datasets.Datasets;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.KnownDataset;
import org.rbnn4j.datasets.LoadedDataset;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rbnn data}: datasets. {@code rbnn data info --dataset NAME [--data DIR] [--download]} prints
 * where the data was found, image and label counts per split, classes, image shape and a checksum of
 * the first image; when the data is missing or malformed it prints the one clear error (every place
 * searched, how to get the data, or the file and the problem) to stderr and exits with code 2.
 */
@Command(name = "data", mixinStandardHelpOptions = true,
        description = "Datasets: where they are, what they hold.",
        subcommands = {DataCommand.Info.class})
public final class DataCommand implements Runnable {
    /** Exit code for missing or malformed data (bad input). */
    static final int EXIT_DATA_ERROR = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "info", mixinStandardHelpOptions = true,
            description = "Find a dataset and print where it is, its splits, classes, image shape and a checksum of the first image.")
    static final class Info implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dataset", required = true, paramLabel = "NAME",
                description = "fashion-mnist, mnist, cifar10, cifar100 or imagenet")
        String dataset;

        @Option(names = "--data", paramLabel = "DIR",
                description = "Folder holding the dataset (searched first, as DIR and DIR/NAME; downloads go here).")
        Path dataDir;

        @Option(names = "--download", description = "Download the official files (checksum-verified) when not found.")
        boolean download;

        /** The options to start from; tests replace it to isolate the search from the machine. */
        DataOptions.Builder baseOptions = DataOptions.builder();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                KnownDataset known = KnownDataset.byName(dataset);
                DataOptions options = baseOptions.dataDir(dataDir).download(download).build();
                Datasets.Location where = Datasets.locate(known, options);
                LoadedDataset data = Datasets.load(known, options.toBuilder().dataDir(where.dir()).download(false).build());
                print(out, data, where);
                out.flush();
                return 0;
            } catch (DatasetException e) {
                err.println("rbnn data info: " + e.getMessage());
                err.flush();
                return EXIT_DATA_ERROR;
            }
        }

        private static void print(PrintWriter out, LoadedDataset data, Datasets.Location where) {
            KnownDataset d = data.dataset();
            out.printf(Locale.ROOT, "dataset:      %s%n", d.id());
            out.printf(Locale.ROOT, "found at:     %s (%s)%n", where.dir(), where.origin());
            out.printf(Locale.ROOT, "image shape:  %s%n", data.imageShape().map(s -> s + " (channels x height x width)")
                    .orElse("varies (first train image " + data.train().image(0).shape() + ")"));
            List<String> classes = data.train().classes();
            out.printf(Locale.ROOT, "classes:      %d: %s%n", classes.size(), abbreviate(classes));
            out.printf(Locale.ROOT, "normalise:    mean %s, std %s%n",
                    Arrays.toString(data.normalization().mean()), Arrays.toString(data.normalization().std()));
            split(out, "train", data.train());
            split(out, "test", data.test());
        }

        private static void split(PrintWriter out, String name, Dataset ds) {
            int[] counts = ds.classCounts();
            int min = Arrays.stream(counts).min().orElse(0);
            int max = Arrays.stream(counts).max().orElse(0);
            String perClass = min == max ? String.format(Locale.ROOT, "%,d per class", min)
                    : String.format(Locale.ROOT, "%,d..%,d per class", min, max);
            out.printf(Locale.ROOT, "%-6s        %,d images, %,d labels (%s)%n", name + ":", ds.size(), ds.labels().length, perClass);
            if (ds.size() > 0) {
                out.printf(Locale.ROOT, "              first image: label %d (%s), %s%n",
                        ds.label(0), ds.classes().get(ds.label(0)), firstImageChecksum(ds));
            }
        }

        /** SHA-256 of the first image's pixel bytes (decoded RGB bytes for image folders) and their sum. */
        static String firstImageChecksum(Dataset ds) {
            byte[] bytes;
            if (ds instanceof ByteImageDataset b) {
                bytes = b.imageBytes(0);
            } else {
                FloatImage img = ds.image(0);
                bytes = new byte[img.data().length];
                for (int i = 0; i < bytes.length; i++) {
                    bytes[i] = (byte) Math.round(img.data()[i] * 255f);
                }
            }
            long sum = 0;
            for (byte x : bytes) {
                sum += x & 0xFF;
            }
            try {
                String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                return String.format(Locale.ROOT, "pixel sum %d, sha256 %s", sum, sha);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String abbreviate(List<String> classes) {
            if (classes.size() <= 12) {
                return String.join(", ", classes);
            }
            return String.join(", ", classes.subList(0, 10)) + ", ... " + classes.get(classes.size() - 1);
        }
    }
}
