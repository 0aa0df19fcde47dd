using System.Globalization;
using PolicyGradient.Environments.Spaces;
using PolicyGradient.Environments.Wrappers;

namespace PolicyGradient.Environments.Checking;

/// <summary>
/// Validates an environment against the <see cref="IEnv"/> contract (in the spirit of Gymnasium's
/// <c>check_env</c> and SB3's <c>env_checker</c>): spaces, observation size and values, NaN/Inf,
/// call order, seeding determinism, acceptance of sampled actions, time-limit consistency and the
/// <see cref="IStatefulEnv"/> round trip. Each finding says what is wrong and how to fix it.
/// </summary>
/// <remarks>
/// Pass a freshly made env (the first check steps it before any reset). The checker steps the env
/// with random actions and leaves it in an arbitrary state; dispose or reset it afterwards.
/// </remarks>
public static partial class EnvChecker
{
    /// <summary>Steps per random rollout (enough for several CartPole or Pendulum episodes).</summary>
    internal const int RolloutSteps = 1000;

    /// <summary>Steps compared by the determinism and state round-trip checks.</summary>
    internal const int CompareSteps = 300;

    /// <summary>A value no sane env writes: where it survives a call, the env left that element unwritten.</summary>
    internal const float Unwritten = -3.1415926e38f;

    /// <summary>Runs every check on <paramref name="env"/>.</summary>
    /// <param name="env">The env, freshly made.</param>
    /// <param name="seed">Seed for resets and the random actions.</param>
    public static EnvCheckReport Check(IEnv env, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(env);
        var s = new Session(env, seed);
        s.Run();
        return new EnvCheckReport(s.Findings);
    }

    sealed partial class Session(IEnv env, long seed)
    {
        internal readonly List<EnvCheckFinding> Findings = [];
        readonly HashSet<string> _reported = [];
        Space _obsSpace = null!;
        Space _actSpace = null!;
        float[] _obs = null!;

        void Add(EnvCheckSeverity severity, string check, string message) => Findings.Add(new EnvCheckFinding(severity, check, message));

        /// <summary>Reports the first problem of each check only, so one defect gives one line.</summary>
        void AddOnce(EnvCheckSeverity severity, string check, string message)
        {
            if (_reported.Add(check)) Add(severity, check, message);
        }

        internal void Run()
        {
            if (!CheckSpaces()) return;
            _obs = new float[_obsSpace.FlatSize];
            CheckStepBeforeReset();
            if (!CheckReset()) return;
            CheckRollout();
            CheckStepAfterEnd();
            CheckWrongActionLength();
            CheckDeterminism();
            CheckStateRoundTrip();
            CheckActionMasks();
        }

        bool CheckSpaces()
        {
            Space? obs, act;
            try { obs = env.ObservationSpace; act = env.ActionSpace; }
            catch (Exception ex) { Add(EnvCheckSeverity.Error, "spaces", $"reading the spaces threw {Describe(ex)}; ObservationSpace and ActionSpace must be plain properties"); return false; }
            if (obs is null) Add(EnvCheckSeverity.Error, "spaces", "ObservationSpace is null; return a Space (e.g. new Box(low, high)) describing every observation");
            if (act is null) Add(EnvCheckSeverity.Error, "spaces", "ActionSpace is null; return a Space (e.g. new Discrete(n) or new Box(low, high)) describing every action");
            if (obs is null || act is null) return false;
            _obsSpace = obs;
            _actSpace = act;
            if (obs.FlatSize <= 0 || act.FlatSize <= 0)
            {
                Add(EnvCheckSeverity.Error, "spaces", $"a space has no elements to encode (observation {obs.FlatSize}, action {act.FlatSize} floats); give both spaces at least one dimension");
                return false;
            }
            if (act is Box box)
            {
                if (!box.IsBounded)
                    Add(EnvCheckSeverity.Warning, "spaces", $"the action space {box} is unbounded; give finite bounds so policies can rescale or clip their actions (ClipAction, RescaleAction)");
                else if (box.Low.Any(l => l != -1f) || box.High.Any(h => h != 1f))
                    Add(EnvCheckSeverity.Info, "spaces", $"the action space {box} is not [-1, 1]; continuous-control algorithms learn best with RescaleAction(env, -1, 1)");
            }
            return true;
        }

        void CheckStepBeforeReset()
        {
            var action = _actSpace.Sample(new Rng(seed));
            try
            {
                env.Step(action, _obs);
                if (env.Spec is null)
                    Add(EnvCheckSeverity.Info, "order", "Step before the first Reset was not refused; envs made by Envs.Make refuse it (TimeLimit or OrderEnforcing), so register the env and make it with Envs.Make, or wrap it in OrderEnforcing");
                else
                    Add(EnvCheckSeverity.Warning, "order", "Step before the first Reset succeeded; it should throw InvalidOperationException (wrap the env in OrderEnforcing, as Envs.Make does) — ignore if the env had been reset before the check");
            }
            catch (InvalidOperationException) { }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Warning, "order", $"Step before the first Reset threw {Describe(ex)}; throw InvalidOperationException saying that Reset must come first (OrderEnforcing does this)");
            }
        }

        bool CheckReset()
        {
            try
            {
                Array.Fill(_obs, Unwritten);
                env.Reset(_obs, seed);
            }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Error, "reset", $"Reset(seed: {seed}) threw {Describe(ex)}{OverrunHint(ex)}");
                return false;
            }
            ValidateObservation("after Reset");
            return true;
        }

        void CheckRollout()
        {
            var rng = new Rng(seed + 1);
            var action = new float[_actSpace.FlatSize];
            int? limit = (env as Wrapper)?.Find<TimeLimit>()?.MaxEpisodeSteps;
            int length = 0, episodes = 0;
            for (int t = 0; t < RolloutSteps; t++)
            {
                _actSpace.Sample(rng, action);
                StepResult r;
                try
                {
                    Array.Fill(_obs, Unwritten);
                    r = env.Step(action, _obs);
                }
                catch (ArgumentException ex)
                {
                    Add(EnvCheckSeverity.Error, "actions", $"Step rejected the action [{Format(action)}] sampled from the action space {_actSpace}: {ex.Message}; accept every element of ActionSpace (or make the space describe exactly the valid actions)");
                    return;
                }
                catch (Exception ex)
                {
                    Add(EnvCheckSeverity.Error, "step", $"Step threw {Describe(ex)} at step {t} with action [{Format(action)}]{OverrunHint(ex)}");
                    return;
                }
                length++;
                ValidateObservation($"after step {t}");
                if (!double.IsFinite(r.Reward))
                    AddOnce(EnvCheckSeverity.Error, "reward", $"step {t} returned reward {r.Reward.ToString(CultureInfo.InvariantCulture)}; rewards must be finite (check divisions, logs and overflow in the reward formula)");
                if (limit is int l && length > l)
                    AddOnce(EnvCheckSeverity.Error, "truncation", $"an episode ran {length} steps under a TimeLimit of {l} without being truncated; return truncated = true when the limit is reached");
                if (r.Terminated || r.Truncated)
                {
                    episodes++;
                    length = 0;
                    try
                    {
                        Array.Fill(_obs, Unwritten);
                        env.Reset(_obs);
                    }
                    catch (Exception ex)
                    {
                        Add(EnvCheckSeverity.Error, "reset", $"Reset without a seed after an episode threw {Describe(ex)}; an unseeded Reset must continue the generator's stream");
                        return;
                    }
                    ValidateObservation($"after the Reset that followed step {t}");
                }
            }
            if (episodes == 0)
                Add(EnvCheckSeverity.Info, "episodes", $"no episode ended in {RolloutSteps} random steps; if episodes can be long, make sure the env is registered with MaxEpisodeSteps (TimeLimit)");
        }

        void CheckStepAfterEnd()
        {
            // Gymnasium leaves stepping past the end undefined (CartPole warns and returns reward 0);
            // here it must at least fail clearly or keep returning valid observations.
            var rng = new Rng(seed + 2);
            var action = new float[_actSpace.FlatSize];
            try
            {
                env.Reset(_obs, seed);
                for (int t = 0; t < RolloutSteps; t++)
                {
                    _actSpace.Sample(rng, action);
                    var r = env.Step(action, _obs);
                    if (!r.Terminated && !r.Truncated) continue;
                    try
                    {
                        Array.Fill(_obs, Unwritten);
                        var after = env.Step(action, _obs);
                        ValidateObservation("on a Step after the episode ended");
                        if (!double.IsFinite(after.Reward))
                            AddOnce(EnvCheckSeverity.Error, "reward", "a Step after the episode ended returned a non-finite reward; keep rewards finite or throw InvalidOperationException");
                    }
                    catch (InvalidOperationException) { }
                    catch (Exception ex)
                    {
                        Add(EnvCheckSeverity.Warning, "order", $"a Step after the episode ended threw {Describe(ex)}; either keep returning valid observations or throw InvalidOperationException saying Reset is needed");
                    }
                    return;
                }
            }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Error, "step", $"stepping a seeded episode threw {Describe(ex)}");
            }
        }

        void CheckWrongActionLength()
        {
            var action = new float[_actSpace.FlatSize + 1];
            try
            {
                env.Reset(_obs, seed);
                env.Step(action, _obs);
                Add(EnvCheckSeverity.Warning, "actions", $"Step accepted an action of length {action.Length} although the action space {_actSpace} takes {_actSpace.FlatSize}; throw ArgumentException naming the expected length (Env does this)");
            }
            catch (ArgumentException) { }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Warning, "actions", $"Step with an action of the wrong length threw {Describe(ex)}; throw ArgumentException naming the expected length (Env does this)");
            }
        }

        void CheckDeterminism()
        {
            List<double> a, b;
            try { a = Trajectory(); b = Trajectory(); }
            catch (Exception ex) { Add(EnvCheckSeverity.Error, "determinism", $"replaying a seeded episode threw {Describe(ex)}"); return; }
            int k = FirstDifference(a, b);
            if (k >= 0)
                Add(EnvCheckSeverity.Error, "determinism", $"two runs from Reset(seed: {seed}) with the same actions differ (at value {k} of the recorded trajectory: {a[k].ToString("R", CultureInfo.InvariantCulture)} vs {b[k].ToString("R", CultureInfo.InvariantCulture)}); draw all randomness from the generator seeded by Reset (Env.Random), not from System.Random, the clock or shared state");
        }

        /// <summary>Reset(seed) and <see cref="CompareSteps"/> steps with seeded random actions (autoreset without seed), flattened.</summary>
        List<double> Trajectory(bool reset = true, long actionSeed = 3)
        {
            var values = new List<double>();
            var rng = new Rng(seed + actionSeed);
            var action = new float[_actSpace.FlatSize];
            if (reset)
            {
                env.Reset(_obs, seed);
                foreach (float o in _obs) values.Add(o);
            }
            for (int t = 0; t < CompareSteps; t++)
            {
                _actSpace.Sample(rng, action);
                var r = env.Step(action, _obs);
                foreach (float o in _obs) values.Add(o);
                values.Add(r.Reward);
                values.Add(r.Terminated ? 1 : 0);
                values.Add(r.Truncated ? 1 : 0);
                if (r.Terminated || r.Truncated)
                {
                    env.Reset(_obs);
                    foreach (float o in _obs) values.Add(o);
                }
            }
            return values;
        }

        void CheckStateRoundTrip()
        {
            if (env is not IStatefulEnv stateful)
            {
                Add(EnvCheckSeverity.Info, "state", "the env does not implement IStatefulEnv, so a resumed training run cannot continue it exactly (derive from Env and implement SaveCore/LoadCore)");
                return;
            }
            try
            {
                env.Reset(_obs, seed);
                var rng = new Rng(seed + 4);
                var action = new float[_actSpace.FlatSize];
                for (int t = 0; t < 25; t++)
                {
                    _actSpace.Sample(rng, action);
                    if (env.Step(action, _obs).Done) env.Reset(_obs);
                }
                var saved = new MemoryStream();
                using (var w = new BinaryWriter(saved, System.Text.Encoding.UTF8, leaveOpen: true)) stateful.SaveState(w);
                var savedObs = (float[])_obs.Clone();
                var original = Trajectory(reset: false, actionSeed: 5);
                saved.Position = 0;
                using (var r = new BinaryReader(saved)) stateful.LoadState(r);
                savedObs.CopyTo(_obs, 0);
                var replay = Trajectory(reset: false, actionSeed: 5);
                int k = FirstDifference(original, replay);
                if (k >= 0)
                    Add(EnvCheckSeverity.Error, "state", $"after SaveState then LoadState the env continued differently (value {k} of the trajectory: {original[k].ToString("R", CultureInfo.InvariantCulture)} vs {replay[k].ToString("R", CultureInfo.InvariantCulture)}); save every field that affects the future (physics, counters, the generator) in SaveCore and restore it in LoadCore");
            }
            catch (NotSupportedException ex)
            {
                Add(EnvCheckSeverity.Info, "state", $"the env's state cannot be saved ({ex.Message}), so a resumed training run cannot continue it exactly");
            }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Error, "state", $"the SaveState/LoadState round trip threw {Describe(ex)}; LoadState must read exactly what SaveState wrote");
            }
        }

        void ValidateObservation(string where)
        {
            for (int i = 0; i < _obs.Length; i++)
            {
                float v = _obs[i];
                if (v == Unwritten)
                {
                    AddOnce(EnvCheckSeverity.Error, "observation size", $"observation element {i} was not written {where}: the env writes fewer values than ObservationSpace.FlatSize = {_obsSpace.FlatSize}; make the observation space's shape match what the env writes");
                    return;
                }
                if (float.IsNaN(v) || float.IsInfinity(v))
                {
                    AddOnce(EnvCheckSeverity.Error, "nan", $"observation element {i} is {Fmt(v)} {where}; observations must be finite (guard divisions, clamp velocities, check the integrator)");
                    return;
                }
            }
            if (!_obsSpace.Contains(_obs))
                AddOnce(EnvCheckSeverity.Error, "observation space", $"the observation [{Format(_obs)}] {where} is outside the observation space {_obsSpace}{OutsideDetail()}; widen the space's bounds or clip the observation");
        }

        string OutsideDetail()
        {
            if (_obsSpace is Dict dict)
                foreach (var (key, space) in dict.Entries)
                    if (!space.Contains(dict.Slice(_obs, key)))
                        return $" (key '{key}' = [{Format(dict.Slice(_obs, key))}] is not in {space})";
            if (_obsSpace is not Box box) return "";
            for (int i = 0; i < _obs.Length; i++)
                if (_obs[i] < box.Low[i] || _obs[i] > box.High[i])
                    return $" (element {i} = {Fmt(_obs[i])} is not in [{Fmt(box.Low[i])}, {Fmt(box.High[i])}])";
            return "";
        }

        static int FirstDifference(List<double> a, List<double> b)
        {
            int n = Math.Min(a.Count, b.Count);
            for (int i = 0; i < n; i++)
                if (BitConverter.DoubleToInt64Bits(a[i]) != BitConverter.DoubleToInt64Bits(b[i])) return i;
            return a.Count == b.Count ? -1 : n;
        }

        string OverrunHint(Exception ex) => ex is IndexOutOfRangeException or ArgumentOutOfRangeException
            ? $"; the env probably writes more observation values than ObservationSpace.FlatSize = {_obsSpace.FlatSize} — make the observation space's shape match what the env writes"
            : "";

        static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

        static string Fmt(float v) => v.ToString("R", CultureInfo.InvariantCulture);

        static string Format(ReadOnlySpan<float> x)
        {
            var parts = new string[Math.Min(x.Length, 8)];
            for (int i = 0; i < parts.Length; i++) parts[i] = Fmt(x[i]);
            return string.Join(", ", parts) + (x.Length > 8 ? ", ..." : "");
        }
    }
}
