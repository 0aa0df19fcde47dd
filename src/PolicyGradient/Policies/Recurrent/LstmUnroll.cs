using PolicyGradient.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Policies.Recurrent;

/// <summary>
/// One layer's weights in torch.nn.LSTM's layout: W_ih [4H, in], W_hh [4H, H], b_ih and b_hh [4H],
/// gate blocks in the order input, forget, cell, output.
/// </summary>
public readonly record struct LstmLayerWeights(Tensor WeightIh, Tensor WeightHh, Tensor BiasIh, Tensor BiasHh);

/// <summary>
/// A stacked LSTM (Hochreiter and Schmidhuber 1997, in torch.nn.LSTM's form) unrolled over a
/// time-major sequence batch with the recurrent state zeroed wherever an episode starts, also in
/// the middle of a sequence — sb3-contrib's RecurrentPPO resets the same way, multiplying the state
/// by (1 − episode_start) before every step. Per step and layer:
/// g = W_ih x + b_ih + W_hh h + b_hh; i, f, o = σ(g_i), σ(g_f), σ(g_o); c ← f·c + i·tanh(g_c); h ← o·tanh(c).
/// Computed op by op on weight views of a flat parameter buffer, so the gradients land in that
/// buffer (a torch.nn.LSTM module would own its parameters).
/// </summary>
public static class LstmUnroll
{
    /// <summary>
    /// Runs the layers over <paramref name="input"/> [L, S, in] from (<paramref name="h0"/>,
    /// <paramref name="c0"/>) [layers, S, H], resetting where <paramref name="episodeStarts"/> [L, S] is 1.
    /// Returns the last layer's outputs [L, S, H] and the final state.
    /// </summary>
    public static (Tensor Output, Tensor H, Tensor C) Run(Tensor input, Tensor h0, Tensor c0, Tensor episodeStarts, IReadOnlyList<LstmLayerWeights> layers)
    {
        long steps = input.shape[0], sequences = input.shape[1];
        // keep_t = 1 − start_t, [L, S, 1]: multiplies the state of every layer before step t.
        var keep = episodeStarts.neg().add(TorchScalars.One, TorchScalars.One).unsqueeze(-1);
        var x = input;
        var hs = new Tensor[layers.Count];
        var cs = new Tensor[layers.Count];
        for (int l = 0; l < layers.Count; l++)
        {
            var w = layers[l];
            // The input projection of all steps at once; only the recurrent part runs step by step.
            var projected = nn.functional.linear(x.reshape(steps * sequences, x.shape[2]), w.WeightIh, w.BiasIh).view(steps, sequences, -1);
            Tensor h = h0[l], c = c0[l];
            var outputs = new Tensor[steps];
            for (long t = 0; t < steps; t++)
            {
                var k = keep[t];
                h = h.mul(k);
                c = c.mul(k);
                var gates = projected[t].add(nn.functional.linear(h, w.WeightHh, w.BiasHh), TorchScalars.One).chunk(4, 1);
                c = gates[1].sigmoid().mul(c).add(gates[0].sigmoid().mul(gates[2].tanh()), TorchScalars.One);
                h = gates[3].sigmoid().mul(c.tanh());
                outputs[t] = h;
            }
            x = torch.stack(outputs, 0);
            (hs[l], cs[l]) = (h, c);
        }
        return (x, torch.stack(hs, 0), torch.stack(cs, 0));
    }
}
