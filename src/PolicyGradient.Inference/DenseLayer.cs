using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace PolicyGradient.Inference
{
    /// <summary>
    /// One dense layer y = f(W·x + b) for one row. The file stores W [outputs, inputs] row-major; the
    /// layer keeps Wᵀ [inputs, padded outputs] with the outputs padded to whole SIMD vectors, so the
    /// product runs over output vectors: y ← b, then y += x[i]·Wᵀ[i, :] for each input i. No horizontal
    /// sums, no bounds beyond the padding, and the padding columns stay 0 (they never feed the next layer).
    /// </summary>
    internal sealed class DenseLayer
    {
        static readonly int Lanes = Vector<float>.Count;

        readonly float[] _weightsT, _bias;

        public DenseLayer(int inputs, int outputs, LayerActivation activation, float[] weights, float[] bias)
        {
            (Inputs, Outputs, Activation, Weights, Bias) = (inputs, outputs, activation, weights, bias);
            PaddedOutputs = (outputs + Lanes - 1) / Lanes * Lanes;
            _weightsT = new float[inputs * PaddedOutputs];
            for (int o = 0; o < outputs; o++)
                for (int i = 0; i < inputs; i++) _weightsT[i * PaddedOutputs + o] = weights[o * inputs + i];
            _bias = new float[PaddedOutputs];
            Array.Copy(bias, _bias, outputs);
        }

        public int Inputs { get; }

        public int Outputs { get; }

        /// <summary>Outputs rounded up to whole <see cref="Vector{T}"/>s (the width of this layer's scratch row).</summary>
        public int PaddedOutputs { get; }

        public LayerActivation Activation { get; }

        /// <summary>W [outputs, inputs] row-major, as in the file.</summary>
        public float[] Weights { get; }

        /// <summary>b [outputs], as in the file.</summary>
        public float[] Bias { get; }

        /// <summary>y[0, PaddedOutputs) = f(W·x + b) for x = <paramref name="input"/>[0, Inputs).</summary>
        public void Forward(ReadOnlySpan<float> input, Span<float> output)
        {
            var y = MemoryMarshal.Cast<float, Vector<float>>(output.Slice(0, PaddedOutputs));
            var w = MemoryMarshal.Cast<float, Vector<float>>(_weightsT.AsSpan());
            var b = MemoryMarshal.Cast<float, Vector<float>>(_bias.AsSpan());
            int blocks = y.Length, inputs = Inputs;
            int v = 0;
            // Four output vectors at a time: four independent accumulators keep the multiply-add units busy.
            for (; v + 4 <= blocks; v += 4)
            {
                Vector<float> a0 = b[v], a1 = b[v + 1], a2 = b[v + 2], a3 = b[v + 3];
                for (int i = 0, row = v; i < inputs; i++, row += blocks)
                {
                    var x = new Vector<float>(input[i]);
                    a0 += w[row] * x; a1 += w[row + 1] * x; a2 += w[row + 2] * x; a3 += w[row + 3] * x;
                }
                y[v] = a0; y[v + 1] = a1; y[v + 2] = a2; y[v + 3] = a3;
            }
            for (; v < blocks; v++)
            {
                Vector<float> a = b[v];
                for (int i = 0, row = v; i < inputs; i++, row += blocks) a += w[row] * new Vector<float>(input[i]);
                y[v] = a;
            }
            if (Activation == LayerActivation.Tanh) for (int k = 0; k < blocks; k++) y[k] = VectorMath.Tanh(y[k]);
            else if (Activation == LayerActivation.ReLU) for (int k = 0; k < blocks; k++) y[k] = Vector.Max(y[k], Vector<float>.Zero);
        }
    }
}
