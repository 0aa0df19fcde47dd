namespace PolicyGradient.Training;

/// <summary>When checkpoints are written and how many are kept.</summary>
/// <param name="Every">Progress between checkpoints; 0 = about every 10% of the run.</param>
/// <param name="Minutes">Also after this many minutes of wall time; 0 = by progress only.</param>
/// <param name="Keep">Periodic checkpoints kept (final always is).</param>
/// <param name="AtLastUpdate">Also write a periodic checkpoint at the last update (environment runs do; a language run's last step has only <c>final</c>).</param>
public sealed record CheckpointCadence(long Every, double Minutes, int Keep, bool AtLastUpdate = true);
