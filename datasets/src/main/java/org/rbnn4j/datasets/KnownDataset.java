package org.rbnn4j.datasets;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.rbnn4j.datasets.download.Checksum;
import org.rbnn4j.datasets.download.DownloadPlan;
import org.rbnn4j.datasets.download.RemoteFile;

/**
 * The datasets rbnn4j knows by name: their layout, classes, normalisation constants, official
 * download (when one exists) and system location (when a package provides one).
 */
public enum KnownDataset {
    FASHION_MNIST("fashion-mnist", List.of("fashionmnist", "fashion_mnist", "fmnist"), ClassNames.FASHION_MNIST,
            Normalization.FASHION_MNIST, new ImageShape(1, 28, 28), new IdxLayout(), "fashion-mnist", "dataset-fashion-mnist",
            new DownloadPlan(
                    List.of(URI.create("https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/"),
                            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/")),
                    // MD5 is all the publisher gives (github.com/zalandoresearch/fashion-mnist README).
                    List.of(new RemoteFile("train-images-idx3-ubyte.gz", Checksum.md5("8d4fb7e6c68d591d4c3dfef9ec88bf0d")),
                            new RemoteFile("train-labels-idx1-ubyte.gz", Checksum.md5("25c81989df183df01b3e8a0aad5dffbe")),
                            new RemoteFile("t10k-images-idx3-ubyte.gz", Checksum.md5("bef4ecab320f06d8554ea6380940ec79")),
                            new RemoteFile("t10k-labels-idx1-ubyte.gz", Checksum.md5("bb300cfdad3c16e7a12a480ee83cd310"))))),

    MNIST("mnist", List.of(), ClassNames.MNIST, Normalization.MNIST, new ImageShape(1, 28, 28), new IdxLayout(), null, null,
            new DownloadPlan(
                    List.of(URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
                            URI.create("http://yann.lecun.com/exdb/mnist/")),
                    // The MD5 sums torchvision checks; the original site publishes none.
                    List.of(new RemoteFile("train-images-idx3-ubyte.gz", Checksum.md5("f68b3c2dcbeaaa9fbdd348bbdeb94873")),
                            new RemoteFile("train-labels-idx1-ubyte.gz", Checksum.md5("d53e105ee54ea40749a09fcbcd1e9432")),
                            new RemoteFile("t10k-images-idx3-ubyte.gz", Checksum.md5("9fb629c4189551a2d022fa330f9573f3")),
                            new RemoteFile("t10k-labels-idx1-ubyte.gz", Checksum.md5("ec29112dd5afa0611ce80d1b7f02629c"))))),

    CIFAR10("cifar10", List.of("cifar-10", "cifar_10"), ClassNames.CIFAR10, Normalization.CIFAR10, new ImageShape(3, 32, 32),
            new CifarLayout(false), null, null,
            new DownloadPlan(List.of(URI.create("https://www.cs.toronto.edu/~kriz/")),
                    // MD5 published on https://www.cs.toronto.edu/~kriz/cifar.html
                    List.of(new RemoteFile("cifar-10-binary.tar.gz", Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530"))))),

    CIFAR100("cifar100", List.of("cifar-100", "cifar_100"), ClassNames.CIFAR100, Normalization.CIFAR100, new ImageShape(3, 32, 32),
            new CifarLayout(true), null, null,
            new DownloadPlan(List.of(URI.create("https://www.cs.toronto.edu/~kriz/")),
                    List.of(new RemoteFile("cifar-100-binary.tar.gz", Checksum.md5("03b5dce01913d631647c71ecec9e9cb8"))))),

    /** ImageNet (ILSVRC-2012) in class folders; no automatic download (the archives need registration). */
    IMAGENET("imagenet", List.of("ilsvrc2012", "ilsvrc-2012"), List.of(), Normalization.IMAGENET, null,
            new ImageFolderLayout(), null, null, null);

    private final String id;
    private final List<String> aliases;
    private final List<String> classes;
    private final Normalization normalization;
    private final ImageShape imageShape;
    private final DatasetLayout layout;
    private final String systemFolder;
    private final String debianPackage;
    private final DownloadPlan downloadPlan;

    KnownDataset(String id, List<String> aliases, List<String> classes, Normalization normalization, ImageShape imageShape,
                 DatasetLayout layout, String systemFolder, String debianPackage, DownloadPlan downloadPlan) {
        this.id = id;
        this.aliases = aliases;
        this.classes = classes;
        this.normalization = normalization;
        this.imageShape = imageShape;
        this.layout = layout;
        this.systemFolder = systemFolder;
        this.debianPackage = debianPackage;
        this.downloadPlan = downloadPlan;
    }

    /** The canonical name, also the folder name under {@code $RBNN_DATA} and {@code ~/.rbnn/datasets}. */
    public String id() {
        return id;
    }

    /** Built-in class names (empty for ImageNet, whose classes are its folder names). */
    public List<String> classes() {
        return classes;
    }

    public Normalization normalization() {
        return normalization;
    }

    /** The fixed image shape, or null for ImageNet (sizes vary). */
    public ImageShape imageShape() {
        return imageShape;
    }

    /** The official download, or null where none can be automated. */
    public DownloadPlan downloadPlan() {
        return downloadPlan;
    }

    /** The folder name under the system datasets folder a package installs, or null. */
    public String systemFolder() {
        return systemFolder;
    }

    /** The Debian package providing this dataset, or null. */
    public String debianPackage() {
        return debianPackage;
    }

    DatasetLayout layout() {
        return layout;
    }

    /** A description of the files a folder must hold. */
    public String expectedLayout() {
        return layout.expectedLayout();
    }

    /** The dataset named {@code name} (case-insensitive; aliases such as {@code cifar-10} accepted). */
    public static KnownDataset byName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (KnownDataset d : values()) {
            if (d.id.equals(n) || d.aliases.contains(n)) {
                return d;
            }
        }
        throw new DatasetException("unknown dataset '" + name + "'; known datasets: " + String.join(", ", names()));
    }

    /** The canonical names of all known datasets. */
    public static List<String> names() {
        List<String> out = new ArrayList<>();
        for (KnownDataset d : values()) {
            out.add(d.id);
        }
        return out;
    }
}
