using PolicyGradient.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Language.Training;

// Resumable state of the group trainer, kept apart from the algorithm: AdamW moments, the prompt
// stream, the sampler's generator, the frozen KL reference, the (adaptive) KL coefficient, the
// ppo-lm critic with its optimizer, and the step counter.
public sealed partial class GroupTrainer
{
    const string SamplerStateFile = "sampler-state.safetensors", CriticOptimizerFile = "critic-optimizer.bin";

    /// <summary>Updates done so far.</summary>
    public int StepsDone => _step;

    /// <summary>
    /// Writes optimizer.bin and sampler-state.safetensors (generator state, reference weights when a
    /// KL reference exists) into <paramref name="dir"/>; returns the prompt stream's state and the step.
    /// </summary>
    internal (byte[] StreamState, int Step) SaveState(string dir)
    {
        TrainerStateFiles.SaveOptimizer(_optimizer, dir);
        if (_criticOptimizer is not null) TrainerStateFiles.SaveOptimizer(_criticOptimizer, dir, CriticOptimizerFile);
        using var scope = torch.NewDisposeScope();
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            ["generator_state"] = _generator.get_state(),
            ["kl_coefficient"] = torch.tensor(new[] { _klCoefficient }, ScalarType.Float64),
        };
        if (_reference is not null)
            foreach (var (name, t) in _reference.state_dict()) tensors["reference." + name] = t;
        if (_critic is not null)
            foreach (var (name, t) in _critic.state_dict()) tensors["critic." + name] = t;
        SafeTensorsFile.Save(Path.Combine(dir, SamplerStateFile), tensors);
        return (TrainerStateFiles.RngBytes(_rng), _step);
    }

    /// <summary>Restores what <see cref="SaveState"/> wrote (the policy's weights are loaded by the caller).</summary>
    internal void LoadState(string dir, byte[] streamState, int step)
    {
        TrainerStateFiles.LoadOptimizer(_optimizer, dir);
        if (_criticOptimizer is not null) TrainerStateFiles.LoadOptimizer(_criticOptimizer, dir, CriticOptimizerFile);
        TrainerStateFiles.SetRng(_rng, streamState);
        string path = Path.Combine(dir, SamplerStateFile);
        if (!File.Exists(path)) throw new InvalidDataException($"{dir}: missing {SamplerStateFile} (not a group-trainer checkpoint)");
        var (tensors, _) = SafeTensorsFile.Load(path);
        try
        {
            _generator.set_state(tensors["generator_state"]);
            if (_reference is not null)
            {
                var state = tensors.Where(kv => kv.Key.StartsWith("reference.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["reference.".Length..], kv => kv.Value);
                if (state.Count == 0) throw new InvalidDataException($"{dir}: the checkpoint has no KL reference weights");
                using (torch.no_grad()) _reference.load_state_dict(state);
            }
            if (_critic is not null)
            {
                var state = tensors.Where(kv => kv.Key.StartsWith("critic.", StringComparison.Ordinal))
                    .ToDictionary(kv => kv.Key["critic.".Length..], kv => kv.Value);
                if (state.Count == 0) throw new InvalidDataException($"{dir}: the checkpoint has no critic weights (estimator gae)");
                using (torch.no_grad()) _critic.load_state_dict(state);
            }
            // Checkpoints written before the KL coefficient was saved keep the configured one.
            if (tensors.TryGetValue("kl_coefficient", out var beta)) _klCoefficient = beta.item<double>();
        }
        finally { foreach (var t in tensors.Values) t.Dispose(); }
        _step = step;
    }
}
