using System;
using System.IO;
using System.Text;

namespace PolicyGradient.Inference
{
    /// <summary>
    /// Reads .pgpolicy files (written by <c>pg export --format pgpolicy</c>; format versions 1 and 2, little-endian,
    /// docs/deploy.md): magic "PGPOLICY", uint32 version, (version 2: a flags byte, bit 0 = masked), int32 observation size, head byte, int32 action
    /// size, int32 discrete start, normalization (byte flag; then float64 clip, float64 mean[obs],
    /// float64 std[obs]), int32 layer count and per layer int32 inputs, int32 outputs, activation byte,
    /// float32 W[outputs × inputs] row-major, float32 b[outputs]; Box heads end with float32 low[act]
    /// and float32 high[act].
    /// </summary>
    public static class PolicyFile
    {
        /// <summary>The first 8 bytes of every .pgpolicy file.</summary>
        public static readonly byte[] Magic = Encoding.ASCII.GetBytes("PGPOLICY");

        /// <summary>The newest format version this reader understands (1: any policy; 2: version 1 with a flags byte after the version, written for policies trained under action masks).</summary>
        public const uint Version = 2;

        const int MaxSize = 1 << 24; // no layer or space is wider than this (a corrupt size fails early, not with an OutOfMemoryException)

        /// <summary>Loads the policy in the file at <paramref name="path"/>.</summary>
        /// <exception cref="InvalidDataException">The file is not a .pgpolicy file of a version this reader knows, or is cut short.</exception>
        public static InferencePolicy Load(string path)
        {
            using var stream = File.OpenRead(path);
            try { return Load(stream); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
        }

        /// <summary>Loads a policy from <paramref name="stream"/> (read to the policy's end).</summary>
        /// <exception cref="InvalidDataException">Not a .pgpolicy stream of a version this reader knows, or cut short.</exception>
        public static InferencePolicy Load(Stream stream)
        {
            using var r = new BinaryReader(stream, Encoding.ASCII, leaveOpen: true);
            try { return Read(r); }
            catch (EndOfStreamException) { throw new InvalidDataException("the .pgpolicy data ends early (a truncated file?)"); }
        }

        static InferencePolicy Read(BinaryReader r)
        {
            byte[] magic = r.ReadBytes(Magic.Length);
            if (!magic.AsSpan().SequenceEqual(Magic)) throw new InvalidDataException("not a .pgpolicy file (it does not start with PGPOLICY); export one with pg export --format pgpolicy");
            uint version = r.ReadUInt32();
            if (version < 1 || version > Version) throw new InvalidDataException($".pgpolicy format version {version}; this PolicyGradient.Inference reads versions 1 to {Version}: use the matching package version");
            byte flags = version >= 2 ? r.ReadByte() : (byte)0;
            if ((flags & ~1) != 0) throw new InvalidDataException($"unknown .pgpolicy flags {flags}");
            bool masked = (flags & 1) != 0;
            int observationSize = Size(r.ReadInt32(), "observation size");
            var head = (PolicyHead)r.ReadByte();
            if (head > PolicyHead.BoxSquashed) throw new InvalidDataException($"unknown policy head {(byte)head}");
            int actionSize = Size(r.ReadInt32(), "action size");
            int start = r.ReadInt32();
            ObservationNormalization? normalization = null;
            if (r.ReadByte() != 0)
            {
                double clip = r.ReadDouble();
                normalization = new ObservationNormalization(Doubles(r, observationSize), Doubles(r, observationSize), clip);
            }
            var layers = new DenseLayer[Size(r.ReadInt32(), "layer count")];
            int width = observationSize;
            for (int i = 0; i < layers.Length; i++)
            {
                int inputs = Size(r.ReadInt32(), "layer inputs"), outputs = Size(r.ReadInt32(), "layer outputs");
                if (inputs != width) throw new InvalidDataException($"layer {i} takes {inputs} inputs but receives {width}");
                var activation = (LayerActivation)r.ReadByte();
                if (activation > LayerActivation.ReLU) throw new InvalidDataException($"layer {i}: unknown activation {(byte)activation}");
                layers[i] = new DenseLayer(inputs, outputs, activation, Floats(r, inputs * outputs), Floats(r, outputs));
                width = outputs;
            }
            if (width != actionSize) throw new InvalidDataException($"the last layer has {width} outputs, the head needs {actionSize}");
            float[]? low = null, high = null;
            if (head != PolicyHead.DiscreteArgmax) (low, high) = (Floats(r, actionSize), Floats(r, actionSize));
            if (masked && head != PolicyHead.DiscreteArgmax) throw new InvalidDataException("a masked policy must have a Discrete head");
            return new InferencePolicy(observationSize, head, actionSize, start, normalization, layers, low, high, masked);
        }

        static int Size(int value, string what) =>
            value > 0 && value <= MaxSize ? value : throw new InvalidDataException($"{what} {value} is out of range (1..{MaxSize})");

        static double[] Doubles(BinaryReader r, int n)
        {
            var values = new double[n];
            for (int i = 0; i < n; i++) values[i] = r.ReadDouble();
            return values;
        }

        static float[] Floats(BinaryReader r, int n)
        {
            var values = new float[n];
            for (int i = 0; i < n; i++) values[i] = r.ReadSingle();
            return values;
        }
    }

    /// <summary>Frozen observation normalization: o ← clamp((o − mean)/std, ±clip), in double precision as in training.</summary>
    internal sealed class ObservationNormalization
    {
        public ObservationNormalization(double[] mean, double[] std, double clip) => (Mean, Std, Clip) = (mean, std, clip);

        public double[] Mean { get; }

        /// <summary>√(var + ε), as the trainer computes it.</summary>
        public double[] Std { get; }

        public double Clip { get; }
    }
}
