namespace PolicyGradient.Estimators;

/// <summary>Which standard deviation divides the group-centred reward in GRPO (TRL's <c>scale_rewards</c>).</summary>
public enum GroupRewardScaling
{
    /// <summary>The group's own unbiased std (GRPO, Shao et al. 2024; verl default; TRL "group").</summary>
    Group,
    /// <summary>The unbiased std of all valid scores in the batch (TRL "batch"; Hu et al. 2025 argue it is more robust).</summary>
    Batch,
    /// <summary>No division: Dr. GRPO (Liu et al. 2025), verl <c>norm_adv_by_std_in_grpo=False</c>, TRL "none".</summary>
    None,
}
