package org.rbnn4j.simd.onnx;

/**
 * Field numbers and enum values of the ONNX protobuf schema ({@code onnx/onnx.proto} of github.com/onnx/onnx), for
 * the messages the exporter writes. They are part of the wire format and never change between ONNX releases.
 */
final class OnnxProto {
    private OnnxProto() {
    }

    /** {@code ModelProto}. */
    static final class Model {
        static final int IR_VERSION = 1;
        static final int PRODUCER_NAME = 2;
        static final int PRODUCER_VERSION = 3;
        static final int DOMAIN = 4;
        static final int MODEL_VERSION = 5;
        static final int DOC_STRING = 6;
        static final int GRAPH = 7;
        static final int OPSET_IMPORT = 8;
        static final int METADATA_PROPS = 14;

        private Model() {
        }
    }

    /** {@code StringStringEntryProto}. */
    static final class StringStringEntry {
        static final int KEY = 1;
        static final int VALUE = 2;

        private StringStringEntry() {
        }
    }

    /** {@code OperatorSetIdProto}. */
    static final class OperatorSetId {
        static final int DOMAIN = 1;
        static final int VERSION = 2;

        private OperatorSetId() {
        }
    }

    /** {@code GraphProto}. */
    static final class Graph {
        static final int NODE = 1;
        static final int NAME = 2;
        static final int INITIALIZER = 5;
        static final int DOC_STRING = 10;
        static final int INPUT = 11;
        static final int OUTPUT = 12;

        private Graph() {
        }
    }

    /** {@code NodeProto}. */
    static final class Node {
        static final int INPUT = 1;
        static final int OUTPUT = 2;
        static final int NAME = 3;
        static final int OP_TYPE = 4;
        static final int ATTRIBUTE = 5;
        static final int DOC_STRING = 6;
        static final int DOMAIN = 7;

        private Node() {
        }
    }

    /** {@code AttributeProto} and its {@code AttributeType} enum. */
    static final class Attribute {
        static final int NAME = 1;
        static final int F = 2;
        static final int I = 3;
        static final int S = 4;
        static final int T = 5;
        static final int FLOATS = 7;
        static final int INTS = 8;
        static final int TYPE = 20;

        static final int TYPE_FLOAT = 1;
        static final int TYPE_INT = 2;
        static final int TYPE_STRING = 3;
        static final int TYPE_TENSOR = 4;
        static final int TYPE_FLOATS = 6;
        static final int TYPE_INTS = 7;

        private Attribute() {
        }
    }

    /** {@code TensorProto} and its {@code DataType} enum. */
    static final class Tensor {
        static final int DIMS = 1;
        static final int DATA_TYPE = 2;
        static final int NAME = 8;
        static final int RAW_DATA = 9;

        static final int FLOAT = 1;
        static final int INT64 = 7;
        static final int BOOL = 9;

        private Tensor() {
        }
    }

    /** {@code ValueInfoProto}. */
    static final class ValueInfo {
        static final int NAME = 1;
        static final int TYPE = 2;

        private ValueInfo() {
        }
    }

    /** {@code TypeProto} (its {@code tensor_type} case) and {@code TypeProto.Tensor}. */
    static final class Type {
        static final int TENSOR_TYPE = 1;
        static final int TENSOR_ELEM_TYPE = 1;
        static final int TENSOR_SHAPE = 2;

        private Type() {
        }
    }

    /** {@code TensorShapeProto} and {@code TensorShapeProto.Dimension}. */
    static final class Shape {
        static final int DIM = 1;
        static final int DIM_VALUE = 1;
        static final int DIM_PARAM = 2;

        private Shape() {
        }
    }
}
