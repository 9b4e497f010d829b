package org.rbnn4j.core.model;

import org.rbnn4j.core.init.WeightInit;

/**
 * What a model builder asks a {@link ConvFactory} for: a square-kernel, bias-free convolution with zero
 * padding, its name in the model (for example {@code layer2.0.conv1}) and how its weights are initialised.
 */
public record ConvSpec(String name, int inChannels, int outChannels, int kernel, int stride, int padding,
                       WeightInit weightInit) {

    public ConvSpec {
        if (inChannels <= 0 || outChannels <= 0 || kernel <= 0 || stride <= 0 || padding < 0 || weightInit == null) {
            throw new IllegalArgumentException("invalid convolution spec " + name + ": " + inChannels + "->" + outChannels
                    + " k" + kernel + " s" + stride + " p" + padding);
        }
    }
}
