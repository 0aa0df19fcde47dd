namespace PolicyGradient.Core;

/// <summary>Options with rules that span several fields (e.g. batch size ≤ n_steps × n_envs).</summary>
public interface IValidatableOptions
{
    /// <summary>One clear message per violated rule, naming the config keys; empty when valid.</summary>
    IEnumerable<string> Validate();
}
