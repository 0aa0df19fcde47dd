using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Export;
using PolicyGradient.Inference;

namespace PolicyGradient.Tests.Deploy;

/// <summary>Observations to compare on, the two exported runtimes as action functions, and an IAlgorithm over any action function (so episodes go through <see cref="Training.Evaluator"/>).</summary>
internal static class DeployHelpers
{
    /// <summary>
    /// <paramref name="count"/> observations visited by <paramref name="envId"/> under uniformly random
    /// actions (episodes reset with seeds 100, 101, ...), row-major [count, obs].
    /// </summary>
    public static float[] Observations(string envId, int count)
    {
        using var env = Envs.Make(envId);
        int size = env.ObservationSpace.FlatSize;
        var rows = new float[count * size];
        var obs = new float[size];
        var action = new float[env.ActionSpace.FlatSize];
        var random = new Random(12345);
        long seed = 100;
        env.Reset(obs, seed++);
        for (int i = 0; i < count; i++)
        {
            obs.CopyTo(rows, i * size);
            RandomAction(env.ActionSpace, random, action);
            var r = env.Step(action, obs);
            if (r.Terminated || r.Truncated) env.Reset(obs, seed++);
        }
        return rows;
    }

    static void RandomAction(Space space, Random random, float[] action)
    {
        switch (space)
        {
            case Discrete d: action[0] = d.Start + random.Next(d.N); break;
            case Box b:
                for (int j = 0; j < action.Length; j++) action[j] = b.Low[j] + (float)random.NextDouble() * (b.High[j] - b.Low[j]);
                break;
            default: throw new NotSupportedException(space.ToString());
        }
    }

    public static byte[] PgPolicyBytes(ExportedPolicy policy)
    {
        using var ms = new MemoryStream();
        PgPolicyWriter.Write(policy, ms);
        return ms.ToArray();
    }

    public static InferencePolicy LoadInference(ExportedPolicy policy) => PolicyFile.Load(new MemoryStream(PgPolicyBytes(policy)));

    public static byte[] OnnxBytes(ExportedPolicy policy)
    {
        using var ms = new MemoryStream();
        OnnxPolicyWriter.Build(policy).WriteTo(ms);
        return ms.ToArray();
    }

    /// <summary>Actions of <paramref name="policy"/> (PolicyGradient.Inference), one Act per row: [rows, action length].</summary>
    public static float[] InferenceActions(InferencePolicy policy, float[] observations)
    {
        int rows = observations.Length / policy.ObservationSize, n = policy.ActionLength;
        var actions = new float[rows * n];
        for (int i = 0; i < rows; i++)
            policy.Act(observations.AsSpan(i * policy.ObservationSize, policy.ObservationSize), actions.AsSpan(i * n, n));
        return actions;
    }

    /// <summary>Actions of the ONNX model for the batch (ONNX Runtime, one Run): float32 for Box, the int64 indices as floats for Discrete.</summary>
    public static float[] OnnxActions(InferenceSession session, float[] observations, int observationSize, bool discrete)
    {
        int rows = observations.Length / observationSize;
        var input = new DenseTensor<float>(observations, [rows, observationSize]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("observation", input)]);
        var action = results.First(r => r.Name == "action");
        return discrete ? action.AsEnumerable<long>().Select(a => (float)a).ToArray() : action.AsEnumerable<float>().ToArray();
    }

    /// <summary>An <see cref="IAlgorithm"/> whose deterministic Predict is <paramref name="act"/> (for <see cref="Training.Evaluator"/>; it cannot learn).</summary>
    public sealed class ActingAlgorithm(string name, Func<float[], float[]> act) : IAlgorithm
    {
        public string Name => name;
        public long NumTimesteps => 0;
        public int NumUpdates => 0;
        public void Learn(long totalTimesteps, ITrainingCallback? callback = null) => throw new NotSupportedException("an exported policy does not learn");
        public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) =>
            deterministic ? act(observation.ToArray()) : throw new NotSupportedException("an exported policy is deterministic");
        public TrainingState CaptureState() => throw new NotSupportedException("an exported policy has no training state");
        public void RestoreState(TrainingState state) => throw new NotSupportedException("an exported policy has no training state");
        public void Dispose() { }
    }

    public static ActingAlgorithm Acting(InferencePolicy policy) => new("inference", o =>
    {
        var a = new float[policy.ActionLength];
        policy.Act(o, a);
        return a;
    });

    public static ActingAlgorithm Acting(InferenceSession session, int observationSize, bool discrete) =>
        new("onnx", o => OnnxActions(session, o, observationSize, discrete));
}
