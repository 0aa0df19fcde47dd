namespace PolicyGradient.Inference
{
    /// <summary>How the network's last layer becomes the action the environment receives (the .pgpolicy head byte).</summary>
    public enum PolicyHead : byte
    {
        /// <summary>Discrete actions: the index of the largest logit (the first on ties), plus the space's start.</summary>
        DiscreteArgmax = 0,

        /// <summary>Box actions of an on-policy Gaussian: the mean, clipped to [low, high] per dimension.</summary>
        BoxClippedMean = 1,

        /// <summary>Box actions of SAC, TD3 and DDPG actors: clamp(low + (tanh(μ) + 1)/2·(high − low), low, high).</summary>
        BoxSquashed = 2,
    }

    /// <summary>The nonlinearity after a dense layer (the .pgpolicy activation byte).</summary>
    public enum LayerActivation : byte
    {
        /// <summary>None (the output layer).</summary>
        Identity = 0,

        /// <summary>tanh.</summary>
        Tanh = 1,

        /// <summary>max(0, x).</summary>
        ReLU = 2,
    }
}
