using PolicyGradient.Environments;
using PolicyGradient.Training;
using PolicyGradient.Training.Checkpoints;
using PolicyGradient.Training.Configuration;

namespace PolicyGradient.Cli.Commands;

/// <summary>Maps the run layer's exceptions onto the CLI's: bad config or checkpoint → exit 2; divergence, disk or env failure → exit 1.</summary>
internal static class RunLayerErrors
{
    public static int Guard(Func<int> body)
    {
        try { return body(); }
        catch (ConfigurationException e) { throw new UsageException(e.Message); }
        catch (CheckpointException e) { throw new UsageException(e.Message); }
        catch (TrainingDivergedException e) { throw new RunFailedException(e.Message); }
        catch (EnvContractException e) { throw new RunFailedException(e.Message + " (the run stopped; its last complete checkpoint is kept)"); }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException) { throw new RunFailedException(e.Message); }
        catch (FileNotFoundException e) { throw new UsageException(e.Message); }
    }
}
