using Google.Protobuf;
using Onnx;
using PolicyGradient.Policies;
using DataType = Onnx.TensorProto.Types.DataType;

namespace PolicyGradient.Export;

/// <summary>
/// Writes an <see cref="ExportedPolicy"/> as an ONNX model (opset 17, IR version 8) built from OnnxSharp's
/// ONNX classes: input <c>observation</c> float32 [batch, obs] (and, for a policy trained under action
/// masks, <c>action_mask</c> bool [batch, n], true = allowed); output <c>action</c> (Discrete: int64
/// [batch]; Box: float32 [batch, act]) and, for Discrete, <c>logits</c> float32 [batch, n] (masked: −∞). The
/// normalization runs in double (Cast, Sub, Div, Clip, Cast back), as the trainer computes it, so the
/// network's input is bit-identical to training's; dense layers are Gemm (transB = 1, W as stored).
/// </summary>
public static class OnnxPolicyWriter
{
    /// <summary>The ONNX operator set the graph uses.</summary>
    public const int Opset = 17;

    /// <summary>Writes <paramref name="policy"/> to <paramref name="path"/> (replacing it).</summary>
    public static void Write(ExportedPolicy policy, string path)
    {
        using var stream = File.Create(path);
        Build(policy).WriteTo(stream);
    }

    /// <summary>The ONNX model of <paramref name="policy"/>.</summary>
    public static ModelProto Build(ExportedPolicy policy)
    {
        var g = new GraphBuilder();
        string x = "observation";
        if (policy.Normalization is { } n) x = Normalize(g, x, n);
        for (int i = 0; i < policy.Layers.Count; i++) x = Dense(g, x, policy.Layers[i], i);
        var graph = g.Graph;
        graph.Name = "policy";
        graph.Input.Add(Value("observation", DataType.Float, policy.ObservationSize));
        if (policy.IsDiscrete)
        {
            if (policy.Masked)
            {
                // Invalid action masking: masked logits become −∞ before the argmax (as the masked Categorical's mode).
                graph.Input.Add(Value("action_mask", DataType.Bool, policy.ActionSize));
                x = g.Node("Where", ["action_mask", x, g.Constant("masked_logit", DataType.Float, [], [float.NegativeInfinity])], "masked_logits");
            }
            g.Node("Identity", [x], "logits");
            string index = g.Node("ArgMax", [x], policy.DiscreteStart == 0 ? "action" : "index", Int("axis", 1), Int("keepdims", 0), Int("select_last_index", 0));
            if (policy.DiscreteStart != 0) g.Node("Add", [index, g.Constant("start", DataType.Int64, [], i64: [policy.DiscreteStart])], "action");
            graph.Output.Add(Value("action", DataType.Int64));
            graph.Output.Add(Value("logits", DataType.Float, policy.ActionSize));
        }
        else
        {
            if (policy.Head == ExportedHead.BoxSquashed) x = Squash(g, x, policy);
            string low = g.Constant("low", DataType.Float, [policy.ActionSize], policy.Low);
            string high = g.Constant("high", DataType.Float, [policy.ActionSize], policy.High);
            g.Node("Min", [g.Node("Max", [x, low], "above_low"), high], "action");
            graph.Output.Add(Value("action", DataType.Float, policy.ActionSize));
        }
        var model = new ModelProto
        {
            IrVersion = 8, ProducerName = "PolicyGradient.NET pg export", ProducerVersion = typeof(OnnxPolicyWriter).Assembly.GetName().Version?.ToString() ?? "",
            DocString = policy.Description, Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model;
    }

    // (float)clamp((o − μ)/std, ±clip) in double, as VecNormalization computes it.
    static string Normalize(GraphBuilder g, string x, ExportedNormalization n)
    {
        int size = n.Mean.Length;
        string d = g.Node("Cast", [x], "observation_f64", Int("to", (int)DataType.Double));
        string centered = g.Node("Sub", [d, g.Constant("obs_mean", DataType.Double, [size], f64: n.Mean)], "centered");
        string scaled = g.Node("Div", [centered, g.Constant("obs_std", DataType.Double, [size], f64: n.Std)], "scaled");
        string clipped = g.Node("Clip", [scaled, g.Constant("obs_clip_min", DataType.Double, [], f64: [-n.Clip]), g.Constant("obs_clip_max", DataType.Double, [], f64: [n.Clip])], "clipped");
        return g.Node("Cast", [clipped], "normalized", Int("to", (int)DataType.Float));
    }

    static string Dense(GraphBuilder g, string x, ExportedLayer l, int i)
    {
        string w = g.Constant($"layer{i}.weight", DataType.Float, [l.Outputs, l.Inputs], l.Weights);
        string b = g.Constant($"layer{i}.bias", DataType.Float, [l.Outputs], l.Bias);
        string z = g.Node("Gemm", [x, w, b], $"layer{i}.linear", Int("transB", 1));
        return l.Activation switch
        {
            null => z,
            Activation.Tanh => g.Node("Tanh", [z], $"layer{i}.tanh"),
            Activation.ReLU => g.Node("Relu", [z], $"layer{i}.relu"),
            var a => throw new PolicyExportException($"activation {a} has no ONNX mapping here (tanh and relu only)"),
        };
    }

    // low + ½·(tanh(μ) + 1)·(high − low), in the same float operations and order as the off-policy algorithms.
    static string Squash(GraphBuilder g, string x, ExportedPolicy p)
    {
        var range = new float[p.ActionSize];
        for (int j = 0; j < range.Length; j++) range[j] = p.High![j] - p.Low![j];
        string t = g.Node("Tanh", [x], "squashed");
        t = g.Node("Add", [t, g.Constant("one", DataType.Float, [], [1f])], "squashed_plus_one");
        t = g.Node("Mul", [g.Constant("half", DataType.Float, [], [0.5f]), t], "squashed_half");
        t = g.Node("Mul", [t, g.Constant("range", DataType.Float, [p.ActionSize], range)], "squashed_scaled");
        return g.Node("Add", [g.Constant("low_offset", DataType.Float, [p.ActionSize], p.Low), t], "rescaled");
    }

    static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    // A tensor value [batch, width] (width null: [batch]).
    static ValueInfoProto Value(string name, DataType type, int? width = null)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        if (width is int w) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = w });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    /// <summary>Nodes and initializers of one graph, with unique names.</summary>
    sealed class GraphBuilder
    {
        public GraphProto Graph { get; } = new();

        public string Node(string op, string[] inputs, string output, params AttributeProto[] attributes)
        {
            var node = new NodeProto { OpType = op, Name = output + "_" + op };
            node.Input.AddRange(inputs);
            node.Output.Add(output);
            node.Attribute.AddRange(attributes);
            Graph.Node.Add(node);
            return output;
        }

        public string Constant(string name, DataType type, long[] dims, float[]? f32 = null, double[]? f64 = null, long[]? i64 = null)
        {
            var t = new TensorProto { Name = name, DataType = (int)type };
            t.Dims.AddRange(dims);
            if (f32 is not null) t.FloatData.AddRange(f32);
            if (f64 is not null) t.DoubleData.AddRange(f64);
            if (i64 is not null) t.Int64Data.AddRange(i64);
            Graph.Initializer.Add(t);
            return name;
        }
    }
}
