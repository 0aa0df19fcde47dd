using PolicyGradient.Environments.Spaces;

namespace PolicyGradient.Environments.Checking;

public static partial class EnvChecker
{
    sealed partial class Session
    {
        /// <summary>
        /// For an env that provides action masks (itself or a wrapper, <see cref="IActionMaskProvider"/>):
        /// the action space is discrete, every mask of a random masked rollout has the right length and
        /// allows a choice in every dimension, and the env accepts the actions its masks allow.
        /// </summary>
        void CheckActionMasks()
        {
            var provider = ActionMasks.Find(env);
            if (provider is null) return;
            if (_actSpace is not (Discrete or MultiDiscrete))
            {
                Add(EnvCheckSeverity.Error, "masks", $"the env provides action masks but its action space {_actSpace} is not Discrete or MultiDiscrete; masks apply to discrete choices only");
                return;
            }
            var mask = new bool[ActionMasks.Size(_actSpace)];
            var action = new float[_actSpace.FlatSize];
            var rng = new Rng(seed + 3);
            try
            {
                env.Reset(_obs, seed);
                for (int t = 0; t < RolloutSteps; t++)
                {
                    provider.WriteActionMask(mask);
                    if (ActionMasks.Problem(_actSpace, mask) is string problem)
                    {
                        Add(EnvCheckSeverity.Error, "masks", $"at step {t} of a masked random rollout {problem}; every state must allow at least one action per dimension");
                        return;
                    }
                    SampleAllowed(mask, rng, action);
                    var r = env.Step(action, _obs);
                    if (r.Terminated || r.Truncated) env.Reset(_obs);
                }
            }
            catch (Exception ex)
            {
                Add(EnvCheckSeverity.Error, "masks", $"a masked random rollout threw {Describe(ex)}; WriteActionMask must fill a buffer of {mask.Length} entries and the env must accept every allowed action");
            }
        }

        /// <summary>A uniformly random allowed choice per dimension.</summary>
        void SampleAllowed(bool[] mask, Rng rng, float[] action)
        {
            int[] blocks = _actSpace is MultiDiscrete m ? m.Nvec : [mask.Length];
            int start = _actSpace is Discrete d ? d.Start : 0;
            for (int i = 0, offset = 0; i < blocks.Length; offset += blocks[i], i++)
            {
                int allowed = 0;
                for (int j = 0; j < blocks[i]; j++) if (mask[offset + j]) allowed++;
                int pick = rng.NextInt(allowed);
                for (int j = 0; j < blocks[i]; j++)
                    if (mask[offset + j] && pick-- == 0) { action[i] = start + j; break; }
            }
        }
    }
}
