using System;

namespace PolicyGradient.Inference
{
    /// <summary>
    /// A loaded policy (<see cref="PolicyFile.Load(string)"/>): raw observation → the deterministic action
    /// the environment receives, as <c>pg eval --deterministic</c> computes it: frozen observation
    /// normalization (double precision, clipped), the MLP, then the head (Discrete argmax; Box mean clipped
    /// to the bounds; or tanh squashing rescaled to the bounds for SAC, TD3 and DDPG). <see cref="Act(ReadOnlySpan{float}, Span{float})"/>
    /// allocates nothing: the scratch rows live in the instance, so one instance serves one thread at a
    /// time; <see cref="Clone"/> gives another thread its own, sharing the weights.
    /// </summary>
    public sealed class InferencePolicy
    {
        readonly DenseLayer[] _layers;
        readonly ObservationNormalization? _normalization;
        readonly float[]? _low, _high, _range;
        readonly float[] _input, _a, _b;

        internal InferencePolicy(int observationSize, PolicyHead head, int actionSize, int start, ObservationNormalization? normalization,
            DenseLayer[] layers, float[]? low, float[]? high, bool masked = false)
        {
            (ObservationSize, Head, ActionSize, DiscreteStart, _normalization, _layers, _low, _high, RequiresActionMask) =
                (observationSize, head, actionSize, start, normalization, layers, low, high, masked);
            if (low is not null && high is not null)
            {
                _range = new float[actionSize];
                for (int j = 0; j < actionSize; j++) _range[j] = high[j] - low[j];
            }
            int width = observationSize;
            foreach (var l in layers) width = Math.Max(width, l.PaddedOutputs);
            (_input, _a, _b) = (new float[observationSize], new float[width], new float[width]);
        }

        /// <summary>Floats per observation (the environment's flat observation).</summary>
        public int ObservationSize { get; }

        /// <summary>How the network output becomes the action.</summary>
        public PolicyHead Head { get; }

        /// <summary>Box: floats per action. Discrete: the number of actions (logits).</summary>
        public int ActionSize { get; }

        /// <summary>Discrete: the action space's first action (added to the argmax). 0 for Box.</summary>
        public int DiscreteStart { get; }

        /// <summary>True for a Discrete policy (use <see cref="ActDiscrete(ReadOnlySpan{float})"/>; <see cref="Act(ReadOnlySpan{float}, Span{float})"/> writes the index as one float).</summary>
        public bool IsDiscrete => Head == PolicyHead.DiscreteArgmax;

        /// <summary>Floats <see cref="Act(ReadOnlySpan{float}, Span{float})"/> writes: 1 for Discrete, <see cref="ActionSize"/> for Box.</summary>
        public int ActionLength => IsDiscrete ? 1 : ActionSize;

        /// <summary>A second instance with its own scratch rows and the same (shared, read-only) weights, for another thread.</summary>
        public InferencePolicy Clone() => new(ObservationSize, Head, ActionSize, DiscreteStart, _normalization, _layers, _low, _high, RequiresActionMask);

        /// <summary>
        /// True when the policy was trained under action masks (invalid action masking): act with the
        /// overloads that take the mask of the current state, as training and <c>pg eval</c> did.
        /// </summary>
        public bool RequiresActionMask { get; }

        /// <summary>
        /// Writes the deterministic action for <paramref name="observation"/> into <paramref name="action"/>:
        /// Box: <see cref="ActionSize"/> floats; Discrete: the action (start + index) as one float.
        /// </summary>
        /// <exception cref="ArgumentException">A span has the wrong length.</exception>
        public void Act(ReadOnlySpan<float> observation, Span<float> action)
        {
            if (action.Length != ActionLength)
                throw new ArgumentException($"action has {action.Length} floats, this policy writes {ActionLength}", nameof(action));
            ThrowIfMasked();
            var head = Forward(observation);
            if (Head == PolicyHead.DiscreteArgmax) { action[0] = DiscreteStart + Argmax(head); return; }
            for (int j = 0; j < ActionSize; j++) action[j] = Head == PolicyHead.BoxClippedMean ? Clamp(head[j], j) : Squash(head[j], j);
        }

        /// <summary>
        /// The deterministic action of a Discrete policy among the actions <paramref name="actionMask"/>
        /// allows (<see cref="ActionSize"/> entries, entry j is action start + j, true = allowed): start +
        /// the argmax of the allowed logits (the first on ties), as the masked policy's mode in training.
        /// </summary>
        /// <exception cref="ArgumentException">The mask has the wrong length or allows no action.</exception>
        /// <exception cref="InvalidOperationException">The policy has Box actions.</exception>
        public int ActDiscrete(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask)
        {
            if (!IsDiscrete) throw new InvalidOperationException($"this policy has Box actions ({ActionSize} floats): action masks apply to Discrete policies");
            if (actionMask.Length != ActionSize)
                throw new ArgumentException($"the action mask has {actionMask.Length} entries, this policy has {ActionSize} actions", nameof(actionMask));
            var logits = Forward(observation);
            int best = -1;
            for (int k = 0; k < logits.Length; k++)
                if (actionMask[k] && (best < 0 || logits[k] > logits[best])) best = k;
            if (best < 0) throw new ArgumentException("the action mask allows no action; every state must allow at least one", nameof(actionMask));
            return DiscreteStart + best;
        }

        /// <summary>As <see cref="ActDiscrete(ReadOnlySpan{float}, ReadOnlySpan{bool})"/>, writing the action as one float into <paramref name="action"/>.</summary>
        public void Act(ReadOnlySpan<float> observation, ReadOnlySpan<bool> actionMask, Span<float> action)
        {
            if (action.Length != 1) throw new ArgumentException($"action has {action.Length} floats, a Discrete policy writes 1", nameof(action));
            action[0] = ActDiscrete(observation, actionMask);
        }

        /// <summary>The deterministic action of a Discrete policy for <paramref name="observation"/> (start + argmax of the logits).</summary>
        /// <exception cref="InvalidOperationException">The policy has Box actions.</exception>
        public int ActDiscrete(ReadOnlySpan<float> observation)
        {
            if (!IsDiscrete) throw new InvalidOperationException($"this policy has Box actions ({ActionSize} floats): call Act(observation, action)");
            ThrowIfMasked();
            return DiscreteStart + Argmax(Forward(observation));
        }

        /// <summary>The logits of a Discrete policy (or the head output of a Box one) for <paramref name="observation"/>, into <paramref name="output"/> [ActionSize].</summary>
        public void Logits(ReadOnlySpan<float> observation, Span<float> output) => Forward(observation).CopyTo(output);

        // Normalization, then the layers ping-ponging between two scratch rows; returns the head output [ActionSize].
        ReadOnlySpan<float> Forward(ReadOnlySpan<float> observation)
        {
            if (observation.Length != ObservationSize)
                throw new ArgumentException($"observation has {observation.Length} floats, this policy takes {ObservationSize}", nameof(observation));
            ReadOnlySpan<float> x = observation;
            if (_normalization is { } n)
            {
                // Exactly the trainer's arithmetic: (float)clamp((o − μ)/√(σ² + ε), ±clip) in double.
                for (int i = 0; i < _input.Length; i++)
                    _input[i] = (float)Math.Clamp((observation[i] - n.Mean[i]) / n.Std[i], -n.Clip, n.Clip);
                x = _input;
            }
            float[] dst = _a;
            foreach (var layer in _layers)
            {
                layer.Forward(x, dst);
                x = dst;
                dst = dst == _a ? _b : _a;
            }
            return x.Slice(0, ActionSize);
        }

        void ThrowIfMasked()
        {
            if (RequiresActionMask)
                throw new InvalidOperationException("this policy was trained under action masks: pass the mask of the current state (ActDiscrete(observation, actionMask)), or it may choose an invalid action");
        }

        static int Argmax(ReadOnlySpan<float> logits)
        {
            int best = 0;
            for (int k = 1; k < logits.Length; k++) if (logits[k] > logits[best]) best = k;
            return best;
        }

        float Clamp(float value, int j) => Math.Clamp(value, _low![j], _high![j]);

        // SB3's unscale_action in float arithmetic, as the off-policy algorithms send actions to the env.
        float Squash(float value, int j) => Math.Clamp(_low![j] + 0.5f * (MathF.Tanh(value) + 1f) * _range![j], _low[j], _high![j]);
    }
}
