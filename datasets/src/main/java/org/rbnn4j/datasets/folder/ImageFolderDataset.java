package org.rbnn4j.datasets.folder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.rbnn4j.datasets.Dataset;
import org.rbnn4j.datasets.DatasetException;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.FloatImage;
import org.rbnn4j.datasets.ImageShape;

/**
 * Images in class folders, the ImageNet layout {@code root/<class>/<image>}: classes are the
 * sub-folder names sorted by name (as torchvision's {@code ImageFolder}); the images of each class
 * are its image files, searched recursively and sorted by path. Images are decoded on access, so
 * the set need not fit in memory; they come out as RGB and may differ in size (use a resize/crop
 * transform before batching).
 */
public final class ImageFolderDataset implements Dataset {
    /** File extensions decoded with javax.imageio (compared case-insensitively). */
    public static final Set<String> EXTENSIONS = Set.of("jpg", "jpeg", "png", "bmp", "gif");

    private final String name;
    private final Path root;
    private final List<String> classes;
    private final Path[] files;
    private final int[] labels;

    private ImageFolderDataset(String name, Path root, List<String> classes, Path[] files, int[] labels) {
        this.name = name;
        this.root = root;
        this.classes = List.copyOf(classes);
        this.files = files;
        this.labels = labels;
    }

    /** Scans {@code root}; fails with a clear message when it has no class folder or no image. */
    public static ImageFolderDataset open(String name, Path root) {
        if (!Files.isDirectory(root)) {
            throw new DatasetFormatException(root, "is not a directory of class folders");
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory)
                    .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new DatasetException(root + ": cannot list class folders (" + e + ")", e);
        }
        if (classDirs.isEmpty()) {
            throw new DatasetFormatException(root, "has no class folders (expected " + root + "/<class>/<image>.jpg)");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (Path dir : classDirs) {
            int label = classes.size();
            classes.add(dir.getFileName().toString());
            try (Stream<Path> s = Files.walk(dir)) {
                s.filter(Files::isRegularFile)
                        .filter(ImageFolderDataset::hasImageExtension)
                        .sorted()
                        .forEach(p -> {
                            files.add(p);
                            labels.add(label);
                        });
            } catch (IOException e) {
                throw new DatasetException(dir + ": cannot list images (" + e + ")", e);
            }
        }
        if (files.isEmpty()) {
            throw new DatasetFormatException(root, "has class folders but no images with extensions " + EXTENSIONS);
        }
        return new ImageFolderDataset(name, root, classes, files.toArray(Path[]::new),
                labels.stream().mapToInt(Integer::intValue).toArray());
    }

    static boolean hasImageExtension(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String source() {
        return root.toString();
    }

    @Override
    public int size() {
        return files.length;
    }

    @Override
    public int label(int index) {
        return labels[index];
    }

    @Override
    public List<String> classes() {
        return classes;
    }

    /** Sizes vary from file to file: no fixed shape. */
    @Override
    public Optional<ImageShape> imageShape() {
        return Optional.empty();
    }

    @Override
    public FloatImage image(int index) {
        return ImageDecoder.decodeRgb(files[index]);
    }

    /** The file of image {@code index}. */
    public Path file(int index) {
        return files[index];
    }
}
