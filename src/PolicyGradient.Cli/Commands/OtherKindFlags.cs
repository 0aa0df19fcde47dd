namespace PolicyGradient.Cli.Commands;

/// <summary>Refuses options meant for the other kind of run (environment vs language model) instead of ignoring them.</summary>
internal static class OtherKindFlags
{
    /// <summary>Throws when any of <paramref name="flags"/> was given, naming them and the runs they are for.</summary>
    /// <param name="path">The run or checkpoint the command was given.</param>
    /// <param name="forRuns">The kind of run the flags are for, e.g. "language-model runs".</param>
    /// <param name="thisRun">What <paramref name="path"/> is, e.g. "an environment run".</param>
    /// <param name="flags">Each flag with whether it was given.</param>
    /// <exception cref="UsageException">At least one flag was given.</exception>
    public static void Refuse(string path, string forRuns, string thisRun, params (string Flag, bool Given)[] flags)
    {
        var given = flags.Where(f => f.Given).Select(f => f.Flag).ToList();
        if (given.Count == 0) return;
        throw new UsageException($"{string.Join(", ", given)} {(given.Count == 1 ? "is" : "are")} for {forRuns}, and {path} is {thisRun}; drop {(given.Count == 1 ? "it" : "them")} (pg eval --help says which options apply to which runs)");
    }
}
