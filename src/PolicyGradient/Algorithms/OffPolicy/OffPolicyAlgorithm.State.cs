using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Optimizers;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

public abstract partial class OffPolicyAlgorithm<TOptions>
{
    /// <summary>
    /// Everything a run needs to continue exactly: every flat parameter buffer (actor, critics,
    /// targets, log α), the Adam moments and step counts, both generators, the counters, the action
    /// noise, the episode window, the envs' state and (when <see cref="SavesReplayBuffer"/>) the replay buffer.
    /// </summary>
    public TrainingState CaptureState()
    {
        var state = new TrainingState();
        foreach (var (name, parameters, optimizer) in Parts())
        {
            state.Tensors[name] = parameters.Data.detach().cpu().clone();
            if (optimizer is not null) CaptureOptimizer(state, name + "_optimizer.", optimizer);
        }
        state.Tensors["rng.torch"] = Generator.get_state().cpu().clone();
        state.Tensors["rng.predict"] = PredictGenerator.get_state().cpu().clone();
        SetLong(state, "num_timesteps", NumTimesteps);
        SetLong(state, "num_updates", NumUpdates);
        SetLong(state, "gradient_steps", _gradientSteps);
        SetLong(state, "last_report", _lastReport);
        SetLong(state, "phase_steps", _phaseSteps);
        SetLong(state, "phase_episodes", _phaseEpisodes);
        _noise.Capture(state);
        _episodes.Capture(state);
        state.Values["replay.saved"] = SavesReplayBuffer ? "true" : "false";
        if (SavesReplayBuffer) Buffer.Capture(state, "replay.");
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            Stateful().SaveState(writer);
        state.EnvironmentState = stream.ToArray();
        return state;
    }

    /// <summary>Restores what <see cref="CaptureState"/> wrote; without a saved buffer it warns (on stderr) and starts from an empty one.</summary>
    public void RestoreState(TrainingState state)
    {
        using (torch.no_grad())
            foreach (var (name, parameters, optimizer) in Parts())
            {
                var saved = state.RequireTensor(name);
                if (saved.numel() != parameters.Count)
                    throw new InvalidDataException($"the checkpoint's '{name}' holds {saved.numel()} values, this {Name} needs {parameters.Count}; resume with the net_arch and spaces of the saved run");
                parameters.Data.copy_(saved.reshape(-1));
                if (optimizer is not null) RestoreOptimizer(state, name + "_optimizer.", optimizer);
            }
        Generator.set_state(state.RequireTensor("rng.torch"));
        if (state.Tensors.TryGetValue("rng.predict", out var predict)) PredictGenerator.set_state(predict);
        NumTimesteps = GetLong(state, "num_timesteps");
        NumUpdates = (int)GetLong(state, "num_updates");
        _gradientSteps = GetLong(state, "gradient_steps");
        _lastReport = GetLong(state, "last_report");
        _phaseSteps = (int)GetLong(state, "phase_steps");
        // Checkpoints from before train_freq_unit existed counted steps only: no episodes in the phase.
        _phaseEpisodes = state.Values.ContainsKey("phase_episodes") ? (int)GetLong(state, "phase_episodes") : 0;
        _noise.Restore(state);
        _episodes.Restore(state);
        if (state.Values.TryGetValue("replay.saved", out var saved2) && saved2 == "true") Buffer.Restore(state, "replay.");
        else
            Console.Error.WriteLine($"warning: this {Name} checkpoint holds no replay buffer (save_replay_buffer was off); training continues from an empty buffer, " +
                "so the resumed run will not match an uninterrupted one (set save_replay_buffer=true for exact resumes)");
        using var reader = new BinaryReader(new MemoryStream(state.EnvironmentState));
        Stateful().LoadState(reader);
    }

    /// <summary>The checkpointed buffers by name with their optimizers (targets have none).</summary>
    IEnumerable<(string Name, FlatParameters Parameters, FlatAdam? Optimizer)> Parts()
    {
        var n = Networks;
        yield return ("actor", n.Actor, n.ActorOptimizer);
        yield return ("critic", n.Critic, n.CriticOptimizer);
        yield return ("critic_target", n.CriticTarget, null);
        if (n.ActorTarget is not null) yield return ("actor_target", n.ActorTarget, null);
        if (n.LogAlpha is not null) yield return ("log_alpha", n.LogAlpha, n.AlphaOptimizer);
    }

    /// <summary>FlatAdam writes "optimizer.*": one prefix per optimizer here.</summary>
    static void CaptureOptimizer(TrainingState state, string prefix, FlatAdam optimizer)
    {
        using var own = new TrainingState();
        optimizer.Capture(own);
        foreach (var (key, tensor) in own.Tensors) state.Tensors[prefix + key["optimizer.".Length..]] = tensor.clone();
        foreach (var (key, value) in own.Values) state.Values[prefix + key["optimizer.".Length..]] = value;
    }

    static void RestoreOptimizer(TrainingState state, string prefix, FlatAdam optimizer)
    {
        using var own = new TrainingState();
        foreach (string key in new[] { "exp_avg", "exp_avg_sq" }) own.Tensors["optimizer." + key] = state.RequireTensor(prefix + key).clone();
        own.Values["optimizer.steps"] = state.RequireValue(prefix + "steps");
        optimizer.Restore(own);
    }

    IStatefulEnv Stateful() => Env as IStatefulEnv
        ?? throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so the run cannot be checkpointed exactly");

    static void SetLong(TrainingState state, string key, long value) => state.Values[key] = value.ToString(CultureInfo.InvariantCulture);

    static long GetLong(TrainingState state, string key) => long.Parse(state.RequireValue(key), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the step, the networks, the buffers, the generators and the envs.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        (_step as IDisposable)?.Dispose();
        if (_parts is not null)
            foreach (var (_, parameters, optimizer) in Parts()) { parameters.Dispose(); optimizer?.Dispose(); }
        _batch?.Dispose();
        Buffer?.Dispose();
        Generator.Dispose();
        PredictGenerator.Dispose();
        Env.Dispose();
    }
}
