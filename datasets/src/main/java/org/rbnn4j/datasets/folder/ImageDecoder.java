package org.rbnn4j.datasets.folder;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.rbnn4j.datasets.DatasetFormatException;
import org.rbnn4j.datasets.FloatImage;

/**
 * Decodes JPEG/PNG/BMP/GIF files with {@code javax.imageio} into 3-channel CHW floats in [0, 1],
 * like torchvision's {@code ImageFolder} (PIL {@code convert("RGB")}, then {@code ToTensor}).
 */
public final class ImageDecoder {
    static {
        // No disk cache for decoding streams: faster, and no stray temp files.
        ImageIO.setUseCache(false);
    }

    private ImageDecoder() {
    }

    /** Decodes {@code file} as RGB; an unreadable or undecodable file raises an exception naming it. */
    public static FloatImage decodeRgb(Path file) {
        BufferedImage img;
        try (InputStream in = Files.newInputStream(file)) {
            img = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file, "unreadable image (" + e.getMessage() + ")", e);
        }
        if (img == null) {
            throw new DatasetFormatException(file, "unreadable image: no javax.imageio decoder recognises its format");
        }
        return toRgb(img);
    }

    /** Converts a decoded image to RGB CHW floats in [0, 1]. */
    public static FloatImage toRgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int plane = w * h;
        float[] out = new float[3 * plane];
        Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && img.getColorModel().getPixelSize() == 8) {
            // Gray 8-bit: replicate the stored value (PIL's L -> RGB). getRGB would apply a gamma
            // conversion from linear gray and change the values.
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = row[x] / 255f;
                    int i = y * w + x;
                    out[i] = v;
                    out[plane + i] = v;
                    out[2 * plane + i] = v;
                }
            }
        } else {
            int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                int p = argb[i];
                out[i] = ((p >>> 16) & 0xFF) / 255f;
                out[plane + i] = ((p >>> 8) & 0xFF) / 255f;
                out[2 * plane + i] = (p & 0xFF) / 255f;
            }
        }
        return new FloatImage(3, h, w, out);
    }
}
