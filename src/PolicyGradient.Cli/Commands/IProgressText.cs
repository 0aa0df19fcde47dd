using PolicyGradient.Core;

namespace PolicyGradient.Cli.Commands;

/// <summary>The text of a progress display: the bar's description, the plain lines (--quiet or redirected output) and the last line.</summary>
internal interface IProgressText
{
    /// <summary>Progress units the bar counts to.</summary>
    long Total { get; }

    /// <summary>The bar's description after an update.</summary>
    string Bar(UpdateMetrics metrics);

    /// <summary>A plain line after an update, or null when this update prints none.</summary>
    string? Line(UpdateMetrics metrics);

    /// <summary>A plain line after training, or null.</summary>
    string? End(ILearner learner);
}
