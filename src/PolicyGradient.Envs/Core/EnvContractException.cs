namespace PolicyGradient.Environments;

/// <summary>
/// An environment broke the <see cref="IEnv"/> contract, or was driven against it: a NaN or
/// infinite observation or reward, an observation outside its space (strict mode), an exception
/// thrown by the env's own code, or a Step after the episode ended without a Reset. Thrown by
/// <see cref="Wrappers.GuardedEnv"/>; the message names the env id, the call, the step of the
/// episode and the offending value.
/// </summary>
/// <remarks>
/// It is a run failure (exit code 1), not bad user input: the env or the policy driving it is
/// at fault, so the run stops at the step where the problem appeared. It derives from
/// <see cref="InvalidOperationException"/>, the type <see cref="Env"/> throws for call-order
/// errors, so existing handlers for those still catch it.
/// </remarks>
public sealed class EnvContractException : InvalidOperationException
{
    /// <summary>Creates the exception; <paramref name="message"/> is the complete one-line description.</summary>
    /// <param name="envId">The env's registered id (or its type name when built directly).</param>
    /// <param name="call">"Reset" or "Step".</param>
    /// <param name="episodeStep">The step of the episode the call was making (1 for the first Step; 0 for Reset).</param>
    /// <param name="message">The complete message.</param>
    /// <param name="inner">The exception the env threw, if that is the violation.</param>
    public EnvContractException(string envId, string call, int episodeStep, string message, Exception? inner = null)
        : base(message, inner)
    {
        EnvId = envId;
        Call = call;
        EpisodeStep = episodeStep;
    }

    /// <summary>The env's registered id (or its type name when built directly).</summary>
    public string EnvId { get; }

    /// <summary>The call that broke the contract: "Reset" or "Step".</summary>
    public string Call { get; }

    /// <summary>The step of the episode being made (1 for the first Step after Reset; 0 for Reset itself).</summary>
    public int EpisodeStep { get; }
}
