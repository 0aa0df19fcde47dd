namespace PolicyGradient.Algorithms;

/// <summary>Registers the algorithms that ship with the library (one line each).</summary>
internal static class BuiltInAlgorithms
{
    internal static void RegisterAll()
    {
        AlgorithmRegistry.Register(new AlgorithmDescriptor("ppo", typeof(PpoOptions), (o, c) => new Ppo((PpoOptions)o, c), "Proximal Policy Optimization, clipped surrogate (Schulman et al. 2017)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("ppo-lstm", typeof(RecurrentPpoOptions), (o, c) => new RecurrentPpo((RecurrentPpoOptions)o, c), "Recurrent PPO, LSTM actor and critic for partial observability (sb3-contrib RecurrentPPO)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("a2c", typeof(A2cOptions), (o, c) => new A2c((A2cOptions)o, c), "Advantage Actor-Critic (Mnih et al. 2016)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("trpo", typeof(TrpoOptions), (o, c) => new Trpo((TrpoOptions)o, c), "Trust Region Policy Optimization (Schulman et al. 2015)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("reinforce", typeof(ReinforceOptions), (o, c) => new Reinforce((ReinforceOptions)o, c), "REINFORCE, Monte-Carlo policy gradient with optional baseline (Williams 1992)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("vrpg", typeof(VrpgOptions), (o, c) => new Vrpg((VrpgOptions)o, c), "Momentum variance-reduced policy gradient, STORM-style recursion with importance weights (IS-MBPG, Huang et al. 2020)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("sac", typeof(SacOptions), (o, c) => new Sac((SacOptions)o, c), "Soft Actor-Critic, discrete variant on Discrete actions (Haarnoja et al. 2018; Christodoulou 2019)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("td3", typeof(Td3Options), (o, c) => new Td3((Td3Options)o, c), "Twin Delayed DDPG (Fujimoto et al. 2018)"));
        AlgorithmRegistry.Register(new AlgorithmDescriptor("ddpg", typeof(DdpgOptions), (o, c) => new Ddpg((DdpgOptions)o, c), "Deep Deterministic Policy Gradient (Lillicrap et al. 2016)"));
    }
}
