using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace PolicyGradient.Policies;

/// <summary>
/// Two MLPs of the same hidden sizes (the policy and value networks of an actor-critic) evaluated
/// together: the first layers are one Linear of width 2h (one matmul for both networks), deeper
/// layers are batched matmuls over stacked weights [2, h, h] (one bmm for both). The two
/// networks share no parameters — each block is updated only by its own gradients — so this computes
/// exactly what two separate MLPs compute, with half the kernel launches and parameter tensors.
/// </summary>
internal sealed class TwinMlp : nn.Module<Tensor, (Tensor First, Tensor Second)>
{
    readonly Linear input;
    readonly ParameterList weights = new();
    readonly ParameterList biases = new();
    readonly nn.Module<Tensor, Tensor> activation;
    readonly int[] _hidden;

    public TwinMlp(int inputSize, int[] hidden, Activation activationKind) : base(nameof(TwinMlp))
    {
        if (hidden.Length == 0) throw new ArgumentException("TwinMlp needs at least one hidden layer", nameof(hidden));
        _hidden = (int[])hidden.Clone();
        input = nn.Linear(inputSize, 2 * hidden[0]);
        for (int k = 1; k < hidden.Length; k++)
        {
            // Default Linear-like init (uniform ±1/√fan_in); ActorCriticPolicy usually overwrites it with orthogonal.
            double bound = 1.0 / Math.Sqrt(hidden[k - 1]);
            weights.Add(nn.Parameter(torch.empty(2, hidden[k - 1], hidden[k]).uniform_(-bound, bound)));
            biases.Add(nn.Parameter(torch.empty(2, 1, hidden[k]).uniform_(-bound, bound)));
        }
        activation = MlpBuilder.CreateActivation(activationKind);
        RegisterComponents();
    }

    /// <summary>Width of each network's output.</summary>
    public int OutputSize => _hidden[^1];

    /// <summary>(first network's output, second network's output), each [B, h_last].</summary>
    public override (Tensor First, Tensor Second) forward(Tensor x)
    {
        var y = activation.forward(input.forward(x));
        int h0 = _hidden[0];
        if (_hidden.Length == 1) return (y.narrow(-1, 0, h0), y.narrow(-1, h0, h0));
        var z = y.view(-1, 2, h0).transpose(0, 1);
        for (int k = 0; k < weights.Count; k++)
            z = activation.forward(torch.bmm(z, weights[k]) + biases[k]);
        return (z[0], z[1]);
    }

    /// <summary>Orthogonal weights (each network's block separately) scaled by <paramref name="gain"/>, zero biases.</summary>
    public void OrthogonalInit(double gain)
    {
        using var _ = torch.no_grad();
        int h0 = _hidden[0];
        for (int part = 0; part < 2; part++)
        {
            var block = torch.empty(h0, input.weight!.shape[1]);
            Initialization.OrthogonalFill(block, gain);
            input.weight!.narrow(0, part * h0, h0).copy_(block);
        }
        nn.init.zeros_(input.bias!);
        for (int k = 0; k < weights.Count; k++)
        {
            for (int part = 0; part < 2; part++)
            {
                var block = torch.empty(weights[k].shape[1], weights[k].shape[2]);
                Initialization.OrthogonalFill(block, gain);
                weights[k][part].copy_(block);
            }
            biases[k].zero_();
        }
    }
}
