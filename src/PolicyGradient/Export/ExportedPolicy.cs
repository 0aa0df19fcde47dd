using PolicyGradient.Policies;

namespace PolicyGradient.Export;

/// <summary>How the last layer's output becomes the action the environment receives.</summary>
public enum ExportedHead
{
    /// <summary>Discrete: start + argmax of the logits (the first index on ties).</summary>
    DiscreteArgmax = 0,

    /// <summary>Box, on-policy Gaussian: the mean clipped to [low, high] (what <c>Predict</c> sends to the env).</summary>
    BoxClippedMean = 1,

    /// <summary>Box, SAC/TD3/DDPG: clamp(low + ½(tanh(μ) + 1)·(high − low), low, high) in float arithmetic (SB3's unscale_action).</summary>
    BoxSquashed = 2,
}

/// <summary>One dense layer y = f(W·x + b): W [Outputs, Inputs] row-major, b [Outputs]; <see cref="Activation"/> null for the output layer.</summary>
public sealed record ExportedLayer(int Inputs, int Outputs, Activation? Activation, float[] Weights, float[] Bias);

/// <summary>
/// Frozen observation normalization of an on-policy run (VecNormalization): o ← clamp((o − Mean)/Std, ±Clip)
/// computed in double and rounded to float, with Std = √(Var + ε) as the trainer computes it.
/// </summary>
public sealed record ExportedNormalization(double[] Mean, double[] Std, double Clip);

/// <summary>
/// An exportable policy, independent of TorchSharp: raw observation [ObservationSize] → optional
/// normalization → dense layers → head → the deterministic action exactly as <c>pg eval --deterministic</c>
/// feeds it to the environment. Built by <see cref="PolicyExport"/>; written by <see cref="PgPolicyWriter"/>
/// and <see cref="OnnxPolicyWriter"/>.
/// </summary>
/// <param name="ObservationSize">Floats per observation.</param>
/// <param name="Head">How the last layer's output becomes the action.</param>
/// <param name="ActionSize">Discrete: the number of actions (logits); Box: the action dimension.</param>
/// <param name="DiscreteStart">Discrete: the space's first action; 0 for Box.</param>
/// <param name="Normalization">Observation normalization, or null.</param>
/// <param name="Layers">The dense layers, input to output (the last one linear, ActionSize outputs).</param>
/// <param name="Low">Box: lower bounds per dimension; null for Discrete.</param>
/// <param name="High">Box: upper bounds per dimension; null for Discrete.</param>
/// <param name="Description">Algorithm, env id and checkpoint, for the files' metadata.</param>
public sealed record ExportedPolicy(int ObservationSize, ExportedHead Head, int ActionSize, int DiscreteStart, ExportedNormalization? Normalization,
    IReadOnlyList<ExportedLayer> Layers, float[]? Low, float[]? High, string Description)
{
    /// <summary>True for Discrete actions.</summary>
    public bool IsDiscrete => Head == ExportedHead.DiscreteArgmax;

    /// <summary>
    /// True for a Discrete policy trained under action masks (invalid action masking): the exported
    /// policy takes the mask of the current state (true = allowed, <see cref="ActionSize"/> entries) and
    /// takes the argmax over the allowed actions only, as <c>pg eval --deterministic</c> does.
    /// </summary>
    public bool Masked { get; init; }
}
