using System.Globalization;
using PolicyGradient.Core;
using PolicyGradient.Environments;
using PolicyGradient.Environments.Vector;
using PolicyGradient.Environments.Wrappers;
using PolicyGradient.Policies.Recurrent;
using TorchSharp;
using static TorchSharp.torch;

namespace PolicyGradient.Algorithms;

public sealed partial class RecurrentPpo
{
    const string StatePrefix = "lstm.state.", StartsKey = "lstm.episode_starts";
    LstmStates? _predictStates;

    /// <summary>
    /// Everything a run needs to continue exactly: weights ("policy.*"), Adam's moments, both
    /// generators, counters, the episode window, the live LSTM states and episode-start flags of the
    /// training copies ("lstm.*"), the envs and the normalization statistics.
    /// </summary>
    public TrainingState CaptureState()
    {
        var state = new TrainingState();
        foreach (string name in _net.Parameters.Names) state.Tensors["policy." + name] = _net.Parameters.Get(name);
        _optimizer.Capture(state);
        state.Tensors["rng.torch"] = Generator.get_state().cpu().clone();
        state.Tensors["rng.predict"] = PredictGenerator.get_state().cpu().clone();
        state.Values["num_timesteps"] = NumTimesteps.ToString(CultureInfo.InvariantCulture);
        state.Values["num_updates"] = NumUpdates.ToString(CultureInfo.InvariantCulture);
        _episodes.Capture(state);
        var parts = _states.Parts();
        for (int i = 0; i < parts.Length; i++) state.Tensors[StatePrefix + i] = parts[i].cpu().clone();
        state.Values[StartsKey] = string.Concat(_episodeStarts.Select(s => s ? '1' : '0'));
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            Stateful().SaveState(writer);
            Normalization.Save(writer);
        }
        state.EnvironmentState = stream.ToArray();
        return state;
    }

    /// <summary>Restores what <see cref="CaptureState"/> wrote (into an instance built with the same options and env).</summary>
    /// <exception cref="InvalidDataException">The checkpoint's LSTM states do not fit this network or number of env copies.</exception>
    public void RestoreState(TrainingState state)
    {
        using (torch.no_grad())
        {
            foreach (string name in _net.Parameters.Names) _net.Parameters.Set(name, state.RequireTensor("policy." + name));
            _optimizer.Restore(state);
        }
        Generator.set_state(state.RequireTensor("rng.torch"));
        if (state.Tensors.TryGetValue("rng.predict", out var predict)) PredictGenerator.set_state(predict);
        NumTimesteps = long.Parse(state.RequireValue("num_timesteps"), CultureInfo.InvariantCulture);
        NumUpdates = int.Parse(state.RequireValue("num_updates"), CultureInfo.InvariantCulture);
        _episodes.Restore(state);
        var parts = _states.Parts();
        var restored = new Tensor[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var saved = state.RequireTensor(StatePrefix + i);
            if (!saved.shape.SequenceEqual(parts[i].shape))
                throw new InvalidDataException($"the checkpoint's LSTM state {i} has shape [{string.Join(", ", saved.shape)}], this run needs [{string.Join(", ", parts[i].shape)}]; resume with the saved run's n_envs, lstm_hidden_size and n_lstm_layers");
            restored[i] = saved.to(Device).clone().DetachFromDisposeScope();
        }
        _states.DisposeAll();
        _states = LstmStates.FromParts(restored);
        string starts = state.RequireValue(StartsKey);
        if (starts.Length != _episodeStarts.Length)
            throw new InvalidDataException($"the checkpoint has episode-start flags for {starts.Length} env copies, this run has {_episodeStarts.Length}; resume with the saved run's n_envs");
        for (int i = 0; i < starts.Length; i++) _episodeStarts[i] = starts[i] == '1';
        using var reader = new BinaryReader(new MemoryStream(state.EnvironmentState));
        Stateful().LoadState(reader);
        Normalization.Load(reader);
    }

    IStatefulEnv Stateful() => Env as IStatefulEnv
        ?? throw new NotSupportedException($"{Env.GetType().Name} does not implement IStatefulEnv, so the run cannot be checkpointed exactly");

    /// <inheritdoc />
    public void ResetState()
    {
        _predictStates?.DisposeAll();
        _predictStates = null;
    }

    /// <summary>
    /// The action for one raw observation, carrying the prediction state from the previous call (call
    /// <see cref="ResetState"/> at each episode start; frozen normalization; Box actions clipped).
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> observation, bool deterministic = true) => PredictRows(EncodeDict(observation), 1, deterministic, default);

    /// <summary>
    /// Actions for <paramref name="batch"/> observations of <paramref name="batch"/> parallel episodes
    /// (row-major [batch, obs]); the prediction state holds one state per row (a new batch size starts from zero states).
    /// </summary>
    public float[] Predict(ReadOnlySpan<float> observations, int batch, bool deterministic = true) => PredictRows(observations, batch, deterministic, default);

    /// <inheritdoc />
    public float[] Predict(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, bool deterministic = true)
    {
        int size = ActionMasks.Size(Env.SingleActionSpace);
        if (actionMask.Length != size)
            throw new ArgumentException($"the action mask has {actionMask.Length} entries, the action space {Env.SingleActionSpace} needs {size}", nameof(actionMask));
        return PredictRows(EncodeDict(observation), 1, deterministic, actionMask);
    }

    /// <summary>A Dict env's raw observation (as <c>Envs.Make</c> gives it) encoded as the policy reads it; any other unchanged.</summary>
    ReadOnlySpan<float> EncodeDict(ReadOnlySpan<float> observation)
    {
        var dict = Env is SyncVectorEnv { Envs: [Wrapper first, ..] } ? first.Find<FlattenDictObservation>()?.DictSpace : null;
        if (dict is null || observation.Length != dict.FlatSize || dict.FlatSize == ObservationSize) return observation;
        var encoded = new float[ObservationSize];
        FlattenDictObservation.Encode(dict, observation, encoded);
        return encoded;
    }

    float[] PredictRows(ReadOnlySpan<float> observations, int batch, bool deterministic, ReadOnlySpan<bool> masks)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "the batch must hold at least one observation");
        if (observations.Length != (long)batch * ObservationSize)
            throw new ArgumentException($"observations has {observations.Length} values, but a batch of {batch} needs shape [{batch}, {ObservationSize}] (rows of {ObservationSize}, row-major)", nameof(observations));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var normalized = new float[batch * ObservationSize];
        Normalization.NormalizeObservations(observations, normalized);
        if (_predictStates is { } old && old.Count != batch) ResetState();
        _predictStates ??= _net.InitialStates(batch).Keep();
        var weights = _net.Weights();
        var obs = torch.tensor(normalized, [1, batch, ObservationSize], device: Device);
        var (pi, vf, next) = _net.Recur(obs, _predictStates, torch.zeros(1, batch, device: Device), weights);
        var kept = next.Keep();
        _predictStates.DisposeAll();
        _predictStates = kept;
        var (head, _) = _net.Output(pi, vf, weights);
        var mask = masks.IsEmpty ? null : torch.tensor(masks.ToArray(), [batch, masks.Length / batch], device: Device);
        var distribution = _net.Distribution(head, weights, mask);
        var actions = new float[batch * ActionSize];
        Read((deterministic ? distribution.Mode() : distribution.Sample(PredictGenerator)).reshape(batch * ActionSize), actions);
        if (_actionBox is not null)
            for (int i = 0; i < batch; i++) _actionBox.Clip(actions.AsSpan(i * ActionSize, ActionSize));
        return actions;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _step.Dispose();
        _optimizer.Dispose();
        Stored.Dispose();
        Buffer.Dispose();
        _states.DisposeAll();
        _predictStates?.DisposeAll();
        _net.Dispose();
        Generator.Dispose();
        PredictGenerator.Dispose();
        Env.Dispose();
    }
}
